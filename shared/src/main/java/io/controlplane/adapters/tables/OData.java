package io.controlplane.adapters.tables;

/** OData filter literals for Table Storage queries. */
final class OData {

    private OData() {
    }

    static String quote(String value) {
        return "'" + value.replace("'", "''") + "'";
    }
}
