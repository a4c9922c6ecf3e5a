package dev.kldload.net;

import java.util.Optional;

/**
 * Port: our nftables table ({@code table inet kldload}) and nothing else. Implementations refuse a
 * ruleset that names any other table or flushes the whole ruleset.
 */
public interface Firewall {

  /** The comment of our table (we store the ruleset's digest there), or empty without a table. */
  Optional<String> tableComment();

  /** Replaces our table in one transaction. */
  void replace(String ruleset);

  /** Checks a ruleset without applying it; throws INVALID_INPUT/FAILED with nft's message. */
  void validate(String ruleset);

  /** Deletes our table; no-op when it does not exist. */
  void remove();
}
