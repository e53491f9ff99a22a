package io.controlplane.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/** Writes answers as a table (for people), JSON or YAML (for scripts). */
final class Output {

    enum Format { table, json, yaml }

    /** A table column: its heading and how to read a cell from a row. */
    record Column(String heading, Function<JsonNode, String> cell) {
        static Column of(String heading, String field) {
            return new Column(heading, row -> text(row.get(field)));
        }
    }

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES));
    private final ObjectMapper json;
    private final PrintWriter out;

    Output(ObjectMapper json, PrintWriter out) {
        this.json = json.copy().enable(SerializationFeature.INDENT_OUTPUT);
        this.out = out;
    }

    /** A list of rows: a table with these columns, or the array as JSON or YAML. */
    void list(Format format, JsonNode rows, List<Column> columns) {
        if (format == Format.table) {
            table(rows, columns);
        } else {
            document(format, rows);
        }
    }

    /** One object: a two-column table of these fields, or the whole object as JSON or YAML. */
    void object(Format format, JsonNode object, List<Column> fields) {
        if (format != Format.table) {
            document(format, object);
            return;
        }
        int width = fields.stream().mapToInt(f -> f.heading().length()).max().orElse(0);
        for (Column field : fields) {
            out.println(pad(field.heading() + ":", width + 1) + " " + field.cell().apply(object));
        }
        out.flush();
    }

    /** The document as JSON or YAML; as YAML for a table (it has no columns). */
    void document(Format format, JsonNode document) {
        try {
            if (format == Format.json) {
                out.println(json.writeValueAsString(document));
            } else {
                out.print(YAML.writeValueAsString(document));
            }
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        out.flush();
    }

    void line(String text) {
        out.println(text);
        out.flush();
    }

    private void table(JsonNode rows, List<Column> columns) {
        List<String[]> cells = new ArrayList<>();
        cells.add(columns.stream().map(Column::heading).toArray(String[]::new));
        for (JsonNode row : rows) {
            cells.add(columns.stream().map(c -> c.cell().apply(row)).map(s -> s.replaceAll("\\s+", " ")).toArray(String[]::new));
        }
        int[] widths = new int[columns.size()];
        for (String[] row : cells) {
            for (int i = 0; i < row.length; i++) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        for (String[] row : cells) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.length; i++) {
                line.append(i == row.length - 1 ? row[i] : pad(row[i], widths[i]) + "  ");
            }
            out.println(line.toString().stripTrailing());
        }
        out.flush();
    }

    static String text(JsonNode value) {
        if (value == null || value.isNull() || value.isMissingNode()) {
            return "-";
        }
        return value.isValueNode() ? value.asText() : value.toString();
    }

    private static String pad(String s, int width) {
        return s.length() >= width ? s : s + " ".repeat(width - s.length());
    }
}
