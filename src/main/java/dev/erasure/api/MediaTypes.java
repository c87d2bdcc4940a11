package dev.erasure.api;

import java.util.Locale;

/** The media types of the contract and the parsing of Content-Type / Accept headers. */
public final class MediaTypes {

    public static final String OCTET_STREAM = "application/octet-stream";
    public static final String JSON = "application/json";
    public static final String PROBLEM_JSON = "application/problem+json";
    public static final String MULTIPART_MIXED = "multipart/mixed";
    public static final String MULTIPART_FORM_DATA = "multipart/form-data";

    private MediaTypes() {
    }

    /** The media type without parameters, lower case; null when the header is absent or blank. */
    public static String baseType(String contentType) {
        if (contentType == null || contentType.isBlank()) {
            return null;
        }
        int semicolon = contentType.indexOf(';');
        String base = semicolon < 0 ? contentType : contentType.substring(0, semicolon);
        return base.trim().toLowerCase(Locale.ROOT);
    }

    /**
     * The {@code boundary} parameter of a multipart Content-Type.
     *
     * @throws ApiException (400) when it is missing or longer than RFC 2046's 70 characters
     */
    public static String boundary(String contentType) {
        for (String param : contentType.split(";")) {
            int eq = param.indexOf('=');
            if (eq > 0 && param.substring(0, eq).trim().equalsIgnoreCase("boundary")) {
                String value = param.substring(eq + 1).trim();
                if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
                    value = value.substring(1, value.length() - 1);
                }
                if (value.isEmpty() || value.length() > 70) {
                    throw ApiException.malformed("multipart boundary must have 1..70 characters (got " + value.length() + ")");
                }
                return value;
            }
        }
        throw ApiException.malformed("Content-Type " + contentType + " has no boundary parameter");
    }

    /** True when the client asked for JSON shard sets ({@code Accept: application/json}). */
    public static boolean wantsJson(String accept) {
        return accept != null && accept.toLowerCase(Locale.ROOT).contains(JSON);
    }

    public static ApiException unsupported(String contentType, String accepted) {
        return new ApiException(ApiException.Kind.UNSUPPORTED_MEDIA_TYPE, "Content-Type "
                + (contentType == null ? "(none)" : contentType) + " is not supported here; use " + accepted);
    }
}
