package io.controlplane.validation;

import static io.controlplane.validation.SpecFields.label;
import static io.controlplane.validation.SpecFields.path;

import com.fasterxml.jackson.databind.JsonNode;
import io.controlplane.domain.FieldError;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Looks through a whole submitted spec for raw secrets: in values, in field names, and under field
 * names that call for a secret, where only a reference (a Key Vault secret URI or env:NAME) may
 * stand. Part of {@link JobSpecValidator}.
 */
final class SpecSecrets {

    private SpecSecrets() {
    }

    /** Adds an error for every raw secret in {@code node} (at {@code at}, {@code depth} levels down) and below. */
    static void scanForSecrets(JsonNode node, String at, int depth, List<FieldError> errors) {
        if (depth > JobSpecValidator.MAX_CONFIG_DEPTH) {
            errors.add(new FieldError(at, "nested deeper than " + JobSpecValidator.MAX_CONFIG_DEPTH + " levels"));
            return;
        }
        if (node.isObject()) {
            Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> field = fields.next();
                String fieldPath = path(at, label(field.getKey()));
                JsonNode value = field.getValue();
                if (SecretScanner.secretIn(field.getKey()).isPresent()) {
                    errors.add(new FieldError(fieldPath, "the field name looks like a raw secret"));
                }
                if (SecretScanner.isSecretFieldName(field.getKey())) {
                    if (isRawSecretValue(value)) {
                        errors.add(new FieldError(fieldPath, RAW_SECRET_FIELD));
                        continue;
                    }
                    if (value.isArray()) {
                        // A list under a secret name ("credentials": [...]) is held to the same rule, item by item.
                        for (int i = 0; i < value.size(); i++) {
                            String itemPath = fieldPath + "[" + i + "]";
                            if (isRawSecretValue(value.get(i))) {
                                errors.add(new FieldError(itemPath, RAW_SECRET_FIELD));
                            } else {
                                scanForSecrets(value.get(i), itemPath, depth + 2, errors);
                            }
                        }
                        continue;
                    }
                }
                scanForSecrets(value, fieldPath, depth + 1, errors);
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                scanForSecrets(node.get(i), at + "[" + i + "]", depth + 1, errors);
            }
        } else if (node.isTextual()) {
            SecretScanner.secretIn(node.asText()).ifPresent(kind -> errors.add(new FieldError(at,
                    "contains what looks like a raw secret (" + kind + "); specs carry only references to secrets "
                            + "(a Key Vault secret URI or env:NAME)")));
        }
    }

    private static final String RAW_SECRET_FIELD = "holds a raw secret; give a reference instead "
            + "(a Key Vault secret URI such as https://my-vault.vault.azure.net/secrets/name, or env:NAME)";

    /** A plain value where only a reference may stand: any non-empty text but a reference, or a number (a PIN). */
    private static boolean isRawSecretValue(JsonNode value) {
        if (value.isTextual()) {
            return !value.asText().isEmpty() && !SecretScanner.isSecretReference(value.asText());
        }
        return value.isNumber();
    }
}
