package dev.erasure;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.jboss.logmanager.ExtLogRecord;

/**
 * Captures what one logger writes while a test provokes it, and keeps it off the console. For the
 * ERROR lines a test causes on purpose (a leak report, an unexpected failure mapped to 500): the
 * test asserts that the line was logged, and the build log keeps ERROR for real problems.
 *
 * <pre>
 * try (LogCapture log = LogCapture.of(ShutdownSequence.class)) {
 *     ... provoke ...
 *     assertThat(log.errors()).anyMatch(line -> line.startsWith("Native memory leak at shutdown"));
 * }
 * </pre>
 *
 * Works with the JBoss log manager the tests run under (JBoss Logging and {@code System.Logger}
 * both end in {@code java.util.logging} loggers) and with the plain JDK one.
 */
public final class LogCapture implements AutoCloseable {

    private final Logger logger;
    private final boolean usedParentHandlers;
    private final List<LogRecord> records = new ArrayList<>();
    private final Handler handler = new Handler() {
        @Override
        public void publish(LogRecord record) {
            synchronized (records) {
                records.add(record);
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    private LogCapture(String name) {
        logger = Logger.getLogger(name);
        usedParentHandlers = logger.getUseParentHandlers();
        handler.setLevel(Level.ALL);
        logger.addHandler(handler);
        logger.setUseParentHandlers(false);
    }

    /** Starts capturing the logger named after {@code source} (the convention of the service's loggers). */
    public static LogCapture of(Class<?> source) {
        return new LogCapture(source.getName());
    }

    /** Every captured message at ERROR (SEVERE) or above, formatted, with the message of its exception if any. */
    public List<String> errors() {
        List<String> lines = new ArrayList<>();
        synchronized (records) {
            for (LogRecord record : records) {
                if (record.getLevel().intValue() >= Level.SEVERE.intValue()) {
                    lines.add(format(record));
                }
            }
        }
        return lines;
    }

    /** Every captured message, formatted. */
    public List<String> messages() {
        List<String> lines = new ArrayList<>();
        synchronized (records) {
            records.forEach(record -> lines.add(format(record)));
        }
        return lines;
    }

    private static String format(LogRecord record) {
        String message = record instanceof ExtLogRecord ext ? ext.getFormattedMessage()
                : new java.util.logging.SimpleFormatter().formatMessage(record);
        return record.getThrown() == null ? message : message + ": " + record.getThrown();
    }

    /** Gives the logger back its handlers; later lines reach the console again. */
    @Override
    public void close() {
        logger.removeHandler(handler);
        logger.setUseParentHandlers(usedParentHandlers);
    }
}
