package dev.kldload.net;

import java.util.Optional;

/** A firewall fake: holds our table's ruleset text; refuses what the real adapter refuses. */
public final class InMemoryFirewall implements Firewall {
  private String table;
  private int replacements;

  @Override
  public synchronized Optional<String> tableComment() {
    return Optional.ofNullable(table).map(NftRuleset::comment);
  }

  @Override
  public synchronized void replace(String ruleset) {
    NftRuleset.requireOwnTableOnly(ruleset);
    table = ruleset;
    replacements++;
  }

  @Override
  public void validate(String ruleset) {
    NftRuleset.requireOwnTableOnly(ruleset);
  }

  @Override
  public synchronized void remove() {
    table = null;
  }

  /** How often the table was replaced (idempotency checks). */
  public synchronized int replacements() {
    return replacements;
  }
}
