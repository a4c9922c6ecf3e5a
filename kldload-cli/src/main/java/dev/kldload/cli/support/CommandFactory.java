package dev.kldload.cli.support;

import java.lang.reflect.Constructor;
import picocli.CommandLine;

/**
 * Gives every command its {@link Cli} through the constructor (STYLE: dependencies by constructor);
 * other classes picocli instantiates (converters, providers) fall back to the default factory.
 */
public final class CommandFactory implements CommandLine.IFactory {
  private final Cli cli;
  private final CommandLine.IFactory fallback = CommandLine.defaultFactory();

  public CommandFactory(Cli cli) {
    this.cli = cli;
  }

  @Override
  public <K> K create(Class<K> type) throws Exception {
    if (type == GlobalOptions.class) {
      return type.cast(cli.globals());
    }
    for (Constructor<?> constructor : type.getDeclaredConstructors()) {
      Class<?>[] params = constructor.getParameterTypes();
      if (params.length == 1 && params[0] == Cli.class) {
        constructor.setAccessible(true);
        return type.cast(constructor.newInstance(cli));
      }
    }
    return fallback.create(type);
  }
}
