// Builds the web console: bundles src/ with esbuild (the version pinned in the root package-lock.json)
// into content-hashed files, writes index.html naming them and files.txt listing every file (the
// standalone host serves exactly those). Fails on any build error or warning.
//   node console/build.mjs [--out DIR]     (default console/dist; Maven passes target/classes/console)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync, copyFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..');
const args = process.argv.slice(2);
const outIndex = args.indexOf('--out');
const out = resolve(outIndex >= 0 ? args[outIndex + 1] : join(here, 'dist'));

if (!existsSync(join(root, 'node_modules', 'esbuild', 'package.json'))
    || !existsSync(join(root, 'node_modules', '@azure', 'msal-browser', 'package.json'))) {
  console.log('console: installing the pinned npm packages (npm ci)');
  const npm = spawnSync('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: root, stdio: 'inherit' });
  if (npm.status !== 0) {
    console.error('console: npm ci failed');
    process.exit(1);
  }
}
const { build } = await import(join(root, 'node_modules', 'esbuild', 'lib', 'main.js'));

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

let result;
try {
  result = await build({
    entryPoints: [join(here, 'src', 'app.js'), join(here, 'src', 'app.css')],
    outdir: out,
    bundle: true,
    splitting: true, // the Entra ID sign-in (MSAL.js) is a chunk of its own, loaded only in that mode
    format: 'esm',
    target: ['chrome110', 'firefox115', 'safari16'],
    minify: true,
    sourcemap: 'linked',
    sourcesContent: false, // the maps name the files of console/src; the jar stays small
    entryNames: '[name]-[hash]',
    chunkNames: 'chunks/[name]-[hash]',
    assetNames: 'assets/[name]-[hash]',
    metafile: true,
    logLevel: 'silent',
    nodePaths: [join(root, 'node_modules')],
  });
} catch (e) {
  for (const m of e.errors ?? []) {
    console.error(`console: ${m.location ? `${m.location.file}:${m.location.line}:${m.location.column}: ` : ''}${m.text}`);
  }
  console.error('console: build failed');
  process.exit(1);
}
if (result.warnings.length > 0) {
  for (const m of result.warnings) {
    console.error(`console: warning: ${m.location ? `${m.location.file}:${m.location.line}: ` : ''}${m.text}`);
  }
  console.error('console: build failed (warnings count as errors)');
  process.exit(1);
}

const outputs = Object.entries(result.metafile.outputs);
const entry = (suffix) => {
  const found = outputs.find(([, o]) => o.entryPoint && o.entryPoint.endsWith(suffix));
  if (!found) throw new Error(`no output for ${suffix}`);
  return relative(out, resolve(found[0])).split('\\').join('/');
};
const js = entry('src/app.js');
const css = outputs.map(([f]) => relative(out, resolve(f))).find((f) => /^app-[A-Z0-9]{8}\.css$/.test(f));
if (!css) throw new Error('no app.css output');

const html = readFileSync(join(here, 'src', 'index.html'), 'utf8').replace('{{app.js}}', js).replace('{{app.css}}', css);
if (html.includes('{{')) throw new Error('index.html: an unreplaced placeholder');
if (/<script(?![^>]*\bsrc=)[^>]*>/i.test(html) || /\sstyle=|\son[a-z]+=/i.test(html)) {
  throw new Error('index.html: inline script, style or event handler (the Content-Security-Policy forbids them)');
}
writeFileSync(join(out, 'index.html'), html);
copyFileSync(join(here, 'src', 'favicon.svg'), join(out, 'favicon.svg'));

const files = [];
const walk = (dir) => {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p);
    else files.push(relative(out, p).split('\\').join('/'));
  }
};
walk(out);
files.sort();
writeFileSync(join(out, 'files.txt'), files.join('\n') + '\n');
const bytes = files.reduce((n, f) => n + statSync(join(out, f)).size, 0);
console.log(`console: built ${files.length} files (${Math.round(bytes / 1024)} KiB) into ${relative(process.cwd(), out) || '.'}`);
