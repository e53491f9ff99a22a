#!/usr/bin/env node
// Checks the Bicep templates without the Bicep CLI (which cannot be installed here): every .bicep
// file must parse with the tree-sitter Bicep grammar, every module reference must name a file that
// exists and pass only parameters that module declares (and every one it requires), and every
// parameter file must name only parameters main.bicep declares, supply each one it requires, and
// give values of the declared type within @allowed / @minValue / @maxValue / @minLength / @maxLength.
//
//   node scripts/check-bicep.mjs                 checks bicep/ of this repository
//   node scripts/check-bicep.mjs --root DIR      checks DIR/bicep/ (tests use it on broken copies)
//   node scripts/check-bicep.mjs --describe      prints what the templates declare, as JSON
//
// Problems are printed as `path:line:column: message`, one per line; the exit code is 1 when there
// is any, 0 when there is none, 2 when the checker itself cannot run.
import { createRequire } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const repositoryRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

let Parser;
let Bicep;
try {
  Parser = require('tree-sitter');
  Bicep = require('tree-sitter-bicep');
} catch (e) {
  console.error(`check-bicep: the Bicep grammar is not installed (${e.message.split('\n')[0]}); run \`npm ci\` in ${repositoryRoot}`);
  process.exit(2);
}

const args = process.argv.slice(2);
let root = repositoryRoot;
let describe = false;
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--root') {
    root = path.resolve(args[++i] ?? '.');
  } else if (args[i] === '--describe') {
    describe = true;
  } else {
    console.error(`check-bicep: unknown argument ${args[i]}\nusage: check-bicep.mjs [--root DIR] [--describe]`);
    process.exit(2);
  }
}

const bicepDir = path.join(root, 'bicep');
const mainFile = path.join(bicepDir, 'main.bicep');
const parameterDir = path.join(bicepDir, 'parameters');
if (!fs.existsSync(mainFile)) {
  console.error(`check-bicep: ${mainFile} does not exist`);
  process.exit(2);
}

const parser = new Parser();
parser.setLanguage(Bicep);
const problems = [];
const rel = (file) => path.relative(root, file).split(path.sep).join('/');
const report = (file, node, message) => {
  const at = node ? `${node.startPosition.row + 1}:${node.startPosition.column + 1}` : '1:1';
  problems.push(`${rel(file)}:${at}: ${message}`);
};

// ---------------------------------------------------------------- parsing and reading declarations

const parsed = new Map(); // absolute path -> { tree, declarations } (null tree when unreadable)

function parseFile(file) {
  if (parsed.has(file)) {
    return parsed.get(file);
  }
  const tree = parser.parse(fs.readFileSync(file, 'utf8'));
  const entry = { tree, declarations: declarationsOf(tree.rootNode) };
  parsed.set(file, entry);
  reportSyntaxErrors(file, tree.rootNode);
  return entry;
}

function reportSyntaxErrors(file, node) {
  if (node.type === 'ERROR') {
    const snippet = node.text.split('\n')[0].slice(0, 60);
    report(file, node, `syntax error: cannot parse from here ('${snippet}')`);
    return; // the children of an ERROR node say nothing more
  }
  if (node.isMissing) {
    report(file, node, `syntax error: missing ${node.type}`);
    return;
  }
  for (const child of node.children) {
    reportSyntaxErrors(file, child);
  }
}

function stringValue(node) {
  if (node?.type !== 'string') {
    return undefined;
  }
  let value = '';
  for (const part of node.namedChildren) {
    if (part.type === 'string_content') {
      value += part.text;
    } else if (part.type === 'escape_sequence') {
      const escapes = { "\\'": "'", '\\\\': '\\', '\\n': '\n', '\\r': '\r', '\\t': '\t', '\\$': '$' };
      value += escapes[part.text] ?? part.text;
    } else {
      return undefined; // interpolation: not a literal
    }
  }
  return value;
}

/** The value of a literal expression (strings, numbers, booleans, null, arrays, objects); undefined otherwise. */
function literal(node) {
  if (!node) {
    return undefined;
  }
  switch (node.type) {
    case 'string': return stringValue(node);
    case 'number': return Number(node.text);
    case 'boolean': return node.text === 'true';
    case 'null': return null;
    case 'unary_expression': {
      const value = literal(node.namedChildren[0]);
      return node.text.startsWith('-') && typeof value === 'number' ? -value : undefined;
    }
    case 'array': {
      const values = node.namedChildren.map(literal);
      return values.includes(undefined) ? undefined : values;
    }
    case 'object': {
      const result = {};
      for (const [key, value] of objectProperties(node)) {
        const v = literal(value);
        if (v === undefined) {
          return undefined;
        }
        result[key] = v;
      }
      return result;
    }
    default: return undefined;
  }
}

/** [key, valueNode] of an object's properties whose key is a name or a plain string. */
function objectProperties(objectNode) {
  const result = [];
  for (const property of objectNode.namedChildren.filter((n) => n.type === 'object_property')) {
    const [keyNode, valueNode] = property.namedChildren;
    const key = keyNode.type === 'identifier' ? keyNode.text : stringValue(keyNode);
    if (key !== undefined) {
      result.push([key, valueNode, property]);
    }
  }
  return result;
}

/** Decorators written just above a declaration, by name: {allowed: [argNodes], minValue: [...]}. */
function decoratorsOf(declaration) {
  const result = {};
  const previous = declaration.previousNamedSibling;
  if (previous?.type !== 'decorators') {
    return result;
  }
  for (const decorator of previous.namedChildren) {
    const call = decorator.namedChildren[0];
    if (call?.type === 'call_expression') {
      const name = call.namedChildren[0]?.text;
      const argumentsNode = call.namedChildren.find((n) => n.type === 'arguments');
      result[name] = argumentsNode ? argumentsNode.namedChildren : [];
    }
  }
  return result;
}

function parameterOf(declaration) {
  const [nameNode, typeNode, defaultNode] = declaration.namedChildren;
  const typeText = typeNode?.text ?? '';
  const nullable = typeNode?.namedChildren[0]?.type === 'nullable_type' || typeText.endsWith('?');
  const decorators = decoratorsOf(declaration);
  const single = (name) => (decorators[name] ? literal(decorators[name][0]) : undefined);
  const parameter = {
    name: nameNode.text,
    type: typeText.replace(/\?$/, ''),
    required: defaultNode === undefined && !nullable,
    node: declaration,
  };
  if (defaultNode !== undefined) {
    parameter.default = literal(defaultNode) ?? { expression: defaultNode.text };
  }
  if (decorators.secure) {
    parameter.secure = true;
  }
  for (const name of ['allowed', 'minValue', 'maxValue', 'minLength', 'maxLength']) {
    const value = single(name);
    if (value !== undefined) {
      parameter[name] = value;
    }
  }
  return parameter;
}

function declarationsOf(rootNode) {
  const result = { params: {}, vars: {}, modules: [], resources: [], outputs: [] };
  for (const statement of rootNode.namedChildren) {
    const declaration = statement.type === 'declaration' ? statement.namedChildren[0] : statement;
    if (!declaration) {
      continue;
    }
    switch (declaration.type) {
      case 'parameter_declaration': {
        const parameter = parameterOf(declaration);
        result.params[parameter.name] = parameter;
        break;
      }
      case 'variable_declaration': {
        const [nameNode, valueNode] = declaration.namedChildren;
        const value = literal(valueNode);
        result.vars[nameNode.text] = value !== undefined ? value : partialObject(valueNode);
        break;
      }
      case 'module_declaration': {
        const [nameNode, pathNode, body] = declaration.namedChildren;
        result.modules.push({ name: nameNode.text, path: stringValue(pathNode), pathNode, body, node: declaration });
        break;
      }
      case 'resource_declaration': {
        const [nameNode, typeNode, body] = declaration.namedChildren;
        result.resources.push({ name: nameNode.text, type: stringValue(typeNode), body: deepPartial(resourceBody(body)) });
        break;
      }
      case 'output_declaration':
        result.outputs.push(declaration.namedChildren[0].text);
        break;
      default:
        break;
    }
  }
  return result;
}

/** For an object whose values are expressions: its keys, each with its literal value or {expression}. */
function partialObject(node) {
  if (node?.type !== 'object') {
    return node ? { expression: node.text } : null;
  }
  const result = {};
  for (const [key, value] of objectProperties(node)) {
    const v = literal(value);
    result[key] = v !== undefined ? v : { expression: value.text };
  }
  return result;
}

/**
 * A value with every literal kept and every other expression as {expression: its text}, at any
 * depth: what --describe shows of a resource's body, so tests can check property values (probe
 * limits, settings) against Azure's published constraints.
 */
function deepPartial(node) {
  if (!node) {
    return null;
  }
  const value = literal(node);
  if (value !== undefined) {
    return value;
  }
  if (node.type === 'object') {
    const result = {};
    for (const [key, valueNode] of objectProperties(node)) {
      result[key] = deepPartial(valueNode);
    }
    return result;
  }
  if (node.type === 'array') {
    return node.namedChildren.map(deepPartial);
  }
  return { expression: node.text };
}

/** The object a resource declaration assigns: directly, under `if (...)`, or in `[for ...: {...}]`. */
function resourceBody(body) {
  if (body?.type === 'if_statement' || body?.type === 'for_statement') {
    return body.namedChildren.find((n) => n.type === 'object') ?? body;
  }
  return body;
}

// ---------------------------------------------------------------- module references

/** The object a module declaration assigns: directly, under `if (...)`, or in `[for ...: {...}]`. */
function moduleBody(body) {
  if (!body) {
    return undefined;
  }
  if (body.type === 'object') {
    return body;
  }
  if (body.type === 'if_statement' || body.type === 'for_statement') {
    return body.namedChildren.reverse().find((n) => n.type === 'object' || n.type === 'if_statement');
  }
  return undefined;
}

/** The `params: {...}` object node of a module declaration, or undefined. */
function moduleParams(module) {
  let body = moduleBody(module.body);
  if (body?.type === 'if_statement') {
    body = moduleBody(body);
  }
  return body && objectProperties(body).find(([key]) => key === 'params')?.[1];
}

function checkModules(file, declarations) {
  for (const module of declarations.modules) {
    if (module.path === undefined) {
      report(file, module.pathNode, `module ${module.name}: the path must be a plain string`);
      continue;
    }
    if (/^(br|ts)[:/]/.test(module.path)) {
      continue; // registry and template-spec modules cannot be checked here
    }
    const target = path.resolve(path.dirname(file), module.path);
    if (!fs.existsSync(target)) {
      report(file, module.pathNode, `module ${module.name}: ${module.path} does not exist`);
      continue;
    }
    const declared = parseFile(target).declarations.params;
    let body = moduleBody(module.body);
    if (body?.type === 'if_statement') {
      body = moduleBody(body);
    }
    const paramsNode = body && objectProperties(body).find(([key]) => key === 'params')?.[1];
    if (paramsNode && paramsNode.type !== 'object') {
      continue; // params computed by an expression: nothing to compare
    }
    const passed = paramsNode ? objectProperties(paramsNode) : [];
    const passedNames = new Set(passed.map(([key]) => key));
    for (const [key, , propertyNode] of passed) {
      if (!declared[key]) {
        report(file, propertyNode, `module ${module.name}: ${module.path} declares no parameter '${key}'`);
      }
    }
    for (const parameter of Object.values(declared)) {
      if (parameter.required && !passedNames.has(parameter.name)) {
        report(file, module.node, `module ${module.name}: required parameter '${parameter.name}' of ${module.path} is not passed`);
      }
    }
  }
}

// ---------------------------------------------------------------- parameter files

function typeOfJson(value) {
  if (Array.isArray(value)) return 'array';
  if (value === null) return 'null';
  if (Number.isInteger(value)) return 'int';
  if (typeof value === 'boolean') return 'bool';
  return typeof value; // string, object, number (a non-integer)
}

/** Where `"name"` first appears in a JSON text, as a position report() understands. */
function positionOf(text, name) {
  const index = text.indexOf(JSON.stringify(name));
  if (index < 0) {
    return null;
  }
  const before = text.slice(0, index).split('\n');
  return { startPosition: { row: before.length - 1, column: before[before.length - 1].length } };
}

function checkValue(file, name, parameter, value, at) {
  const where = `parameter '${name}'`;
  const expected = parameter.type;
  const actual = typeOfJson(value);
  const primitive = ['string', 'int', 'bool', 'array', 'object'].includes(expected);
  if (primitive && actual !== expected) {
    report(file, at, `${where}: main.bicep declares ${expected}, the file gives ${actual}`);
    return;
  }
  if (expected.endsWith('[]') && actual !== 'array') {
    report(file, at, `${where}: main.bicep declares ${expected}, the file gives ${actual}`);
    return;
  }
  if (parameter.allowed) {
    const values = Array.isArray(value) ? value : [value];
    for (const v of values) {
      if (!parameter.allowed.some((a) => JSON.stringify(a) === JSON.stringify(v))) {
        report(file, at, `${where}: ${JSON.stringify(v)} is not one of the allowed values ${JSON.stringify(parameter.allowed)}`);
      }
    }
  }
  if (actual === 'int') {
    if (parameter.minValue !== undefined && value < parameter.minValue) {
      report(file, at, `${where}: ${value} is below @minValue(${parameter.minValue})`);
    }
    if (parameter.maxValue !== undefined && value > parameter.maxValue) {
      report(file, at, `${where}: ${value} is above @maxValue(${parameter.maxValue})`);
    }
  }
  if (actual === 'string' || actual === 'array') {
    if (parameter.minLength !== undefined && value.length < parameter.minLength) {
      report(file, at, `${where}: length ${value.length} is below @minLength(${parameter.minLength})`);
    }
    if (parameter.maxLength !== undefined && value.length > parameter.maxLength) {
      report(file, at, `${where}: length ${value.length} is above @maxLength(${parameter.maxLength})`);
    }
  }
}

function checkParameterFile(file, declared) {
  const text = fs.readFileSync(file, 'utf8');
  let document;
  try {
    document = JSON.parse(text);
  } catch (e) {
    report(file, null, `not valid JSON: ${e.message}`);
    return;
  }
  if (!String(document.$schema ?? '').includes('deploymentParameters.json')) {
    report(file, null, '$schema must be the deployment parameters schema (…/deploymentParameters.json#)');
  }
  const given = document.parameters;
  if (typeof given !== 'object' || given === null || Array.isArray(given)) {
    report(file, null, "'parameters' must be an object");
    return;
  }
  for (const [name, entry] of Object.entries(given)) {
    const parameter = declared[name];
    const at = positionOf(text, name);
    if (!parameter) {
      report(file, at, `parameter '${name}' is not declared in bicep/main.bicep`);
      continue;
    }
    if (typeof entry !== 'object' || entry === null || (!('value' in entry) && !('reference' in entry))) {
      report(file, at, `parameter '${name}' must be an object with a 'value' (or a Key Vault 'reference')`);
      continue;
    }
    if ('value' in entry) {
      if (parameter.secure) {
        report(file, at, `parameter '${name}' is @secure(): give it as a Key Vault 'reference', never as a value in a file`);
      }
      checkValue(file, name, parameter, entry.value, at);
    }
  }
  for (const parameter of Object.values(declared)) {
    if (parameter.required && !(parameter.name in given)) {
      report(file, null, `required parameter '${parameter.name}' (no default in bicep/main.bicep) is not given`);
    }
  }
}

// ---------------------------------------------------------------- run

function bicepFiles(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      return bicepFiles(full);
    }
    return entry.name.endsWith('.bicep') ? [full] : [];
  }).sort();
}

const files = bicepFiles(bicepDir);
for (const file of files) {
  parseFile(file);
}
for (const file of files) {
  checkModules(file, parsed.get(file).declarations);
}
const parameterFiles = fs.existsSync(parameterDir)
  ? fs.readdirSync(parameterDir).filter((n) => n.endsWith('.json')).sort().map((n) => path.join(parameterDir, n))
  : [];
const mainParams = parsed.get(mainFile).declarations.params;
for (const file of parameterFiles) {
  if (!file.endsWith('.parameters.json')) {
    report(file, null, 'parameter files are named <region>.parameters.json');
    continue;
  }
  checkParameterFile(file, mainParams);
}
if (parameterFiles.length === 0) {
  report(parameterDir, null, 'no parameter files: one <region>.parameters.json per deployed region is expected');
}

if (describe) {
  const strip = (parameter) => Object.fromEntries(Object.entries(parameter).filter(([key]) => key !== 'node'));
  const description = { files: {}, parameterFiles: {} };
  for (const file of files) {
    const d = parsed.get(file).declarations;
    description.files[rel(file)] = {
      params: Object.fromEntries(Object.entries(d.params).map(([name, p]) => [name, strip(p)])),
      vars: d.vars,
      modules: d.modules.map((m) => ({ name: m.name, path: m.path, params: deepPartial(moduleParams(m)) })),
      resources: d.resources,
      outputs: d.outputs,
    };
  }
  for (const file of parameterFiles) {
    try {
      description.parameterFiles[rel(file)] = JSON.parse(fs.readFileSync(file, 'utf8')).parameters;
    } catch {
      description.parameterFiles[rel(file)] = null;
    }
  }
  console.log(JSON.stringify(description, null, 2));
}

if (problems.length > 0) {
  for (const problem of problems) {
    console.error(problem);
  }
  console.error(`check-bicep: ${problems.length} problem(s) in ${rel(bicepDir)}`);
  process.exit(1);
}
if (!describe) {
  console.log(`check-bicep: ${files.length} Bicep file(s) parse, module references match, `
    + `${parameterFiles.length} parameter file(s) match main.bicep: ok`);
}
