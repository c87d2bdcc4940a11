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

    /**
     * True when the client asked for JSON shard sets: {@code Accept} names {@code application/json}
     * with a weight above 0 ({@code q=0} is RFC 9110's "not acceptable").
     */
    public static boolean wantsJson(String accept) {
        if (accept == null || !accept.toLowerCase(Locale.ROOT).contains(JSON)) {
            return false;
        }
        for (String range : accept.split(",")) {
            String[] params = range.split(";");
            if (params[0].trim().equalsIgnoreCase(JSON) && weight(params) > 0) {
                return true;
            }
        }
        return false;
    }

    /** The q parameter of a media range; 1 when absent or not a number. */
    private static double weight(String[] params) {
        for (int i = 1; i < params.length; i++) {
            String param = params[i].trim();
            if (param.length() > 2 && param.substring(0, 2).equalsIgnoreCase("q=")) {
                try {
                    return Double.parseDouble(param.substring(2).trim());
                } catch (NumberFormatException e) {
                    return 1;
                }
            }
        }
        return 1;
    }

    public static ApiException unsupported(String contentType, String accepted) {
        return new ApiException(ApiException.Kind.UNSUPPORTED_MEDIA_TYPE, "Content-Type "
                + (contentType == null ? "(none)" : contentType) + " is not supported here; use " + accepted);
    }
}
