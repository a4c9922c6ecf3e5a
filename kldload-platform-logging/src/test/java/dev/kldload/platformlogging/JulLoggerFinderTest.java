package dev.kldload.platformlogging;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.ListResourceBundle;
import java.util.ResourceBundle;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class JulLoggerFinderTest {
  private final List<LogRecord> records = new ArrayList<>();
  private final Logger jul = Logger.getLogger("kldload.test.platform");
  private final Handler handler =
      new Handler() {
        @Override
        public void publish(LogRecord record) {
          records.add(record);
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
      };

  @BeforeEach
  void attach() {
    jul.setUseParentHandlers(false);
    jul.addHandler(handler);
    jul.setLevel(Level.FINE);
  }

  @AfterEach
  void detach() {
    jul.removeHandler(handler);
  }

  private System.Logger logger() {
    return new JulLoggerFinder().getLogger(jul.getName(), Object.class.getModule());
  }

  @Test
  void levelsMapAsTheJdksDefaultAndFollowTheJulLevel() {
    System.Logger logger = logger();
    assertThat(logger.getName()).isEqualTo("kldload.test.platform");
    assertThat(logger.isLoggable(System.Logger.Level.DEBUG)).isTrue();
    assertThat(logger.isLoggable(System.Logger.Level.TRACE)).isFalse();
    logger.log(System.Logger.Level.TRACE, "not logged");
    logger.log(System.Logger.Level.DEBUG, "debug");
    logger.log(System.Logger.Level.ERROR, "error");
    assertThat(records).extracting(LogRecord::getLevel).containsExactly(Level.FINE, Level.SEVERE);
    assertThat(records).extracting(LogRecord::getMessage).containsExactly("debug", "error");
  }

  @Test
  void parametersThrownAndBundleReachTheRecord() {
    IllegalStateException boom = new IllegalStateException("boom");
    ResourceBundle bundle =
        new ListResourceBundle() {
          @Override
          protected Object[][] getContents() {
            return new Object[][] {{"greeting", "hello {0}"}};
          }
        };
    System.Logger logger = logger();
    logger.log(System.Logger.Level.WARNING, "{0} of {1}", 3, 5);
    logger.log(System.Logger.Level.INFO, "failed", boom);
    logger.log(System.Logger.Level.INFO, bundle, "greeting", "operator");
    assertThat(new SimpleFormatter().formatMessage(records.get(0))).isEqualTo("3 of 5");
    assertThat(records.get(1).getThrown()).isSameAs(boom);
    assertThat(new SimpleFormatter().formatMessage(records.get(2))).isEqualTo("hello operator");
  }

  @Test
  void theSourceIsTheCallerNotTheAdapter() {
    logger().log(System.Logger.Level.INFO, "from the test");
    assertThat(records.get(0).getSourceClassName()).isEqualTo(JulLoggerFinderTest.class.getName());
    assertThat(records.get(0).getSourceMethodName()).isEqualTo("theSourceIsTheCallerNotTheAdapter");
  }
}
