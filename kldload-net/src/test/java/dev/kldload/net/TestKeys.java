package dev.kldload.net;

/** Fixed key pairs made with {@code wg genkey | wg pubkey}, for golden files. */
public final class TestKeys {
  public static final String[][] PAIRS = {
    {
      "8HTwwtpScYg+zUxOpMlChtvdbgVso9JZCKgYFNfxik8=", "9EPsB9sZvy+NN5iWebK201vFweXftl4FSiKpH+h+/D0="
    },
    {
      "KJZTIywsYVf+Sgxsw3jLfyQYWvbkyrsxDt2Mecto3kE=", "1i8ezpRiBmIhA8l6bxHCYYVLDnYB4vY6PhW7RIMFizU="
    },
    {
      "uG80JL9D7id6AtjUuNcKnFRRy5k+XZXuff+gDSyGDGQ=", "3++NdYSCrkGVFQBpIy3EaazlX7d0LtLM1N+04fzL+wA="
    },
    {
      "iM/lyhpE/lWzTZWdGOlLNhf0M0FBLP+4B3616blclVk=", "/P/bRLWIRMlOeZ9Y3AG80Qw6vpciUXH/5EXon2Wf6RE="
    },
    {
      "SMpWLyOmj7tbres2UMs6EVlLUQtj4pd3bmldAyCs5lw=", "DA40uV0aTYE/XrNprJ43I8CRnJNIsIAKUacGBQkHr0I="
    },
    {"YAXimCCC5Mwu+KJJaYh/MAgTO+PnpjxpZOPA+2m/mnk=", "SJ+TAmOfoZ7qhLRag3N1oaGeXc4TYAZgV2dwRz8jXDw="}
  };

  private TestKeys() {}

  public static WgPrivateKey privateKey(int i) {
    return WgPrivateKey.parse(PAIRS[i][0]);
  }

  public static WgKey publicKey(int i) {
    return WgKey.parse(PAIRS[i][1]);
  }
}
