package io.kraftlet.examples.bench;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Just enough JSON for the bench result: one flat object, without whitespace between tokens
 * (as {@link BenchResult#toJson()} writes it), whose values are numbers, booleans or strings.
 * Not a general parser: whitespace, nested objects, arrays and null are refused.
 */
final class FlatJson {
    /** Bound on the input, far above any bench result, so a corrupt file fails fast. */
    private static final int LENGTH_MAX = 64 * 1024;

    private final String text;
    private int position;

    private FlatJson(String text) {
        this.text = text;
    }

    /**
     * The object's fields in order: a string value unescaped, any other value as its literal
     * text. Throws IllegalArgumentException saying where the text stops being a flat object.
     */
    static Map<String, String> parse(String text) {
        if (text.length() > LENGTH_MAX) {
            throw new IllegalArgumentException("not a bench result: " + text.length() + " characters");
        }
        return new FlatJson(text.strip()).object();
    }

    /** Appends {@code value} as a JSON string literal. */
    static void appendString(StringBuilder json, String value) {
        json.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> json.append("\\\"");
                case '\\' -> json.append("\\\\");
                case '\n' -> json.append("\\n");
                case '\r' -> json.append("\\r");
                case '\t' -> json.append("\\t");
                default -> {
                    if (c < 0x20) {
                        json.append(String.format("\\u%04x", (int) c));
                    } else {
                        json.append(c);
                    }
                }
            }
        }
        json.append('"');
    }

    private Map<String, String> object() {
        Map<String, String> fields = new LinkedHashMap<>();
        expect('{');
        if (peek() == '}') {
            position++;
        } else {
            do {
                String key = string();
                expect(':');
                String value = peek() == '"' ? string() : literal();
                if (fields.put(key, value) != null) {
                    throw error("duplicate key \"" + key + "\"");
                }
            } while (next() == ',');
            position--;
            expect('}');
        }
        if (position != text.length()) {
            throw error("text after the object");
        }
        return fields;
    }

    private String string() {
        expect('"');
        StringBuilder value = new StringBuilder();
        for (char c = next(); c != '"'; c = next()) {
            if (c != '\\') {
                value.append(c);
                continue;
            }
            char escaped = next();
            switch (escaped) {
                case '"', '\\', '/' -> value.append(escaped);
                case 'n' -> value.append('\n');
                case 'r' -> value.append('\r');
                case 't' -> value.append('\t');
                case 'b' -> value.append('\b');
                case 'f' -> value.append('\f');
                case 'u' -> {
                    if (position + 4 > text.length()) {
                        throw error("short \\u escape");
                    }
                    value.append((char) Integer.parseInt(text.substring(position, position + 4), 16));
                    position += 4;
                }
                default -> throw error("bad escape \\" + escaped);
            }
        }
        return value.toString();
    }

    /** A number or a boolean. */
    private String literal() {
        int start = position;
        while (position < text.length() && "+-.0123456789eEtruefals".indexOf(text.charAt(position)) >= 0) {
            position++;
        }
        String literal = text.substring(start, position);
        if (literal.equals("true") || literal.equals("false")) {
            return literal;
        }
        try {
            Double.parseDouble(literal);
        } catch (NumberFormatException notANumber) {
            throw error("expected a number, true or false");
        }
        return literal;
    }

    private void expect(char expected) {
        if (next() != expected) {
            position--;
            throw error("expected '" + expected + "'");
        }
    }

    private char peek() {
        if (position >= text.length()) {
            throw error("unexpected end");
        }
        return text.charAt(position);
    }

    private char next() {
        char c = peek();
        position++;
        return c;
    }

    private IllegalArgumentException error(String what) {
        return new IllegalArgumentException("not a bench result: " + what + " at character " + position);
    }
}
