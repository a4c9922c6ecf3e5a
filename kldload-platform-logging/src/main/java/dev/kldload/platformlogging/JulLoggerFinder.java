package dev.kldload.platformlogging;

import java.util.logging.Logger;

/**
 * Every platform logger is the {@code java.util.logging} logger of the same name, as with the JDK's
 * own default, so levels, handlers and {@code logging.properties} apply unchanged.
 */
public final class JulLoggerFinder extends System.LoggerFinder {
  @Override
  public System.Logger getLogger(String name, Module module) {
    return new JulLogger(Logger.getLogger(name));
  }
}
