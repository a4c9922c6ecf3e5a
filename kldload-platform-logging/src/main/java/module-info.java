/**
 * The JDK's platform logging on {@code java.util.logging}, as its default is, but provided by a
 * module of the runtime image. The first use of {@code java.util.logging} (JNA's, on every libvirt
 * or ZFS call) asks the JDK which {@link java.lang.System.LoggerFinder} to use; without a provider
 * in the image, that question searches every jar on the class path (every one opened: 13 ms or more
 * per run).
 */
module dev.kldload.platformlogging {
  requires java.logging;

  provides java.lang.System.LoggerFinder with
      dev.kldload.platformlogging.JulLoggerFinder;
}
