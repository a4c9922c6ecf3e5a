package dev.kldload.net.linux;

import dev.kldload.net.NameResolver;
import dev.kldload.net.NameResolverContract;

/** Literals and the reserved .invalid domain need no DNS server, so this runs everywhere. */
class SystemNameResolverTest extends NameResolverContract {
  @Override
  protected NameResolver resolver() {
    return new SystemNameResolver();
  }
}
