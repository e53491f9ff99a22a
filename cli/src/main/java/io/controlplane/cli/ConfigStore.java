package io.controlplane.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * cpctl's folder in the user's configuration folder ({@code $CPCTL_CONFIG_DIR}, else
 * {@code $XDG_CONFIG_HOME/cpctl}, {@code %APPDATA%\cpctl} on Windows, {@code ~/.config/cpctl}):
 * {@code profiles.json} (each profile names one control plane deployment, one per region, and how
 * to sign in to it) and {@code tokens/<profile>.json} (the cached access token). The folder and
 * every file are readable by their owner only.
 */
final class ConfigStore {

    static final String DEFAULT_PROFILE = "default";
    private static final Pattern PROFILE_NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    /** A control plane deployment and how to sign in to it (Entra ID fields are null for dev sign-in). */
    record Profile(String url, String entraTenant, String clientId, String scope) {
        Profile withUrl(String value) {
            return new Profile(value, entraTenant, clientId, scope);
        }
    }

    /** A cached bearer token: {@code kind} is {@code dev} or {@code entra}. */
    record Token(String accessToken, Instant expiresAt, String kind) {
    }

    /** profiles.json. */
    record Profiles(String current, Map<String, Profile> profiles) {
    }

    private final Path dir;
    private final ObjectMapper json;

    ConfigStore(Path dir, ObjectMapper json) {
        this.dir = dir;
        this.json = json;
    }

    static Path defaultDir(Map<String, String> env) {
        String explicit = env.get("CPCTL_CONFIG_DIR");
        if (explicit != null && !explicit.isBlank()) {
            return Path.of(explicit);
        }
        String xdg = env.get("XDG_CONFIG_HOME");
        if (xdg != null && !xdg.isBlank()) {
            return Path.of(xdg, "cpctl");
        }
        String appData = env.get("APPDATA");
        if (appData != null && !appData.isBlank() && System.getProperty("os.name", "").startsWith("Windows")) {
            return Path.of(appData, "cpctl");
        }
        return Path.of(System.getProperty("user.home"), ".config", "cpctl");
    }

    Path dir() {
        return dir;
    }

    static String checkName(String profile) {
        if (!PROFILE_NAME.matcher(profile).matches()) {
            throw new CliException(ExitCodes.USAGE, "a profile name is 1 to 64 letters, digits, '.', '_' or '-': " + profile);
        }
        return profile;
    }

    Profiles profiles() {
        Path file = dir.resolve("profiles.json");
        if (!Files.exists(file)) {
            return new Profiles(null, new TreeMap<>());
        }
        try {
            Profiles read = json.readValue(file.toFile(), Profiles.class);
            return new Profiles(read.current(), new TreeMap<>(read.profiles() == null ? Map.of() : read.profiles()));
        } catch (IOException e) {
            throw new CliException(ExitCodes.USAGE, "cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** The profile to use: {@code name} if given, else the current one, else "default". */
    String resolveName(String name) {
        if (name != null) {
            return checkName(name);
        }
        String current = profiles().current();
        return current == null ? DEFAULT_PROFILE : current;
    }

    Optional<Profile> profile(String name) {
        return Optional.ofNullable(profiles().profiles().get(name));
    }

    void saveProfile(String name, Profile profile, boolean makeCurrent) {
        Profiles all = profiles();
        all.profiles().put(checkName(name), profile);
        String current = makeCurrent || all.current() == null ? name : all.current();
        write("profiles.json", new Profiles(current, all.profiles()));
    }

    void use(String name) {
        Profiles all = profiles();
        if (!all.profiles().containsKey(name)) {
            throw new CliException(ExitCodes.NOT_FOUND, "no profile " + name + " (cpctl profiles set " + name + " --url ...)");
        }
        write("profiles.json", new Profiles(name, all.profiles()));
    }

    void deleteProfile(String name) {
        Profiles all = profiles();
        if (all.profiles().remove(name) == null) {
            throw new CliException(ExitCodes.NOT_FOUND, "no profile " + name);
        }
        write("profiles.json", new Profiles(name.equals(all.current()) ? null : all.current(), all.profiles()));
        deleteToken(name);
    }

    Optional<Token> token(String profile) {
        Path file = dir.resolve("tokens").resolve(profile + ".json");
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(json.readValue(file.toFile(), Token.class));
        } catch (IOException e) {
            throw new CliException(ExitCodes.AUTH, "cannot read the cached token " + file + " (cpctl login again): " + e.getMessage(), e);
        }
    }

    void saveToken(String profile, Token token) {
        write("tokens/" + profile + ".json", token);
    }

    void deleteToken(String profile) {
        try {
            Files.deleteIfExists(dir.resolve("tokens").resolve(profile + ".json"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Written to a temporary file with owner-only permissions, then moved into place. */
    private void write(String relative, Object value) {
        Path file = dir.resolve(relative);
        try {
            ownerOnlyDirectory(dir);
            if (!file.getParent().equals(dir)) {
                ownerOnlyDirectory(file.getParent());
            }
            Path temp = Files.createTempFile(file.getParent(), ".cpctl", ".tmp");
            try {
                ownerOnly(temp, "rw-------");
                ObjectNode tree = json.valueToTree(value);
                Files.write(temp, json.writerWithDefaultPrettyPrinter().writeValueAsBytes(tree));
                try {
                    Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
                }
            } finally {
                Files.deleteIfExists(temp);
            }
        } catch (IOException e) {
            throw new CliException(ExitCodes.USAGE, "cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Creates the folder owner-only. One that exists keeps its permissions unless it is cpctl's own
     * tokens folder: a configuration folder named by the user may be shared with other files.
     */
    private void ownerOnlyDirectory(Path directory) throws IOException {
        if (!Files.isDirectory(directory)) {
            Files.createDirectories(directory);
            ownerOnly(directory, "rwx------");
        } else if (directory.equals(dir.resolve("tokens"))) {
            ownerOnly(directory, "rwx------");
        }
    }

    private static void ownerOnly(Path path, String permissions) throws IOException {
        try {
            Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(permissions));
        } catch (UnsupportedOperationException notPosix) {
            // Windows: the user's profile folder is already private to the user.
        }
    }
}
