package dev.kldload.kube.golden;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kldload.core.ErrorKind;
import dev.kldload.core.KldloadException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AptSourcesTest {
  @TempDir Path root;

  private void write(String relative, String text) throws Exception {
    Path file = root.resolve(relative);
    Files.createDirectories(file.getParent());
    Files.writeString(file, text);
  }

  private void osRelease(String codename) throws Exception {
    write("etc/os-release", "NAME=\"Debian GNU/Linux\"\nVERSION_CODENAME=" + codename + "\n");
  }

  @Test
  @DisplayName("a deb822 file: the bookworm entry, not security or updates, URI as written")
  void deb822() throws Exception {
    osRelease("bookworm");
    write(
        "etc/apt/sources.list.d/debian.sources",
        """
        Types: deb
        # a comment inside the stanza
        URIs: http://mirror.example/debian
        Suites: bookworm bookworm-updates
        Components: main contrib
        Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

        Types: deb
        URIs: http://mirror.example/debian-security
        Suites: bookworm-security
        Components: main
        """);
    AptSources sources = new AptSources(root);
    assertThat(sources.archive()).isEqualTo("http://mirror.example/debian");
    assertThat(sources.entries()).hasSize(3);
  }

  @Test
  @DisplayName("one-line form: deb-src, comments and [options] are skipped; the suite must match")
  void oneLine() throws Exception {
    osRelease("bookworm");
    write(
        "etc/apt/sources.list",
        """
        # deb http://commented.example/debian bookworm main
        deb-src http://src.example/debian bookworm main
        deb http://security.example/debian-security bookworm-security main
        deb [arch=amd64 signed-by=/usr/share/keyrings/k.gpg] https://mirror.example/debian bookworm main contrib
        """);
    assertThat(new AptSources(root).archive()).isEqualTo("https://mirror.example/debian");
  }

  @Test
  @DisplayName("a disabled deb822 stanza and a stanza without main are skipped")
  void disabledAndNoMain() throws Exception {
    osRelease("bookworm");
    write(
        "etc/apt/sources.list.d/a.sources",
        """
        Types: deb
        URIs: http://disabled.example/debian
        Suites: bookworm
        Components: main
        Enabled: no

        Types: deb
        URIs: http://contrib-only.example/debian
        Suites: bookworm
        Components: contrib
        """);
    write("etc/apt/sources.list.d/b.list", "deb file:/srv/debian bookworm main\n");
    assertThat(new AptSources(root).archive()).isEqualTo("file:/srv/debian");
  }

  @Test
  @DisplayName("on a newer host the entry of the host's codename gives the archive")
  void hostCodename() throws Exception {
    osRelease("trixie");
    write(
        "etc/apt/sources.list.d/debian.sources",
        """
        Types: deb
        URIs: http://mirror.example/debian
        Suites: trixie trixie-updates
        Components: main
        """);
    AptSources sources = new AptSources(root);
    assertThat(sources.codename()).contains("trixie");
    assertThat(sources.archive()).isEqualTo("http://mirror.example/debian");
  }

  @Test
  @DisplayName("sources.list is read before sources.list.d, whose files go in name order")
  void fileOrder() throws Exception {
    osRelease("bookworm");
    write("etc/apt/sources.list.d/b.list", "deb http://b.example/debian bookworm main\n");
    write("etc/apt/sources.list.d/a.list", "deb http://a.example/debian bookworm main\n");
    assertThat(new AptSources(root).archive()).isEqualTo("http://a.example/debian");
    write("etc/apt/sources.list", "deb http://main.example/debian bookworm main\n");
    assertThat(new AptSources(root).archive()).isEqualTo("http://main.example/debian");
  }

  @Test
  @DisplayName("mirror+file: is refused naming the file and the override")
  void mirrorFileRefused() throws Exception {
    osRelease("bookworm");
    write(
        "etc/apt/sources.list.d/debian.sources",
        """
        Types: deb
        URIs: mirror+file:/etc/apt/mirrors/debian.list
        Suites: bookworm
        Components: main
        """);
    assertThatThrownBy(() -> new AptSources(root).archive())
        .isInstanceOfSatisfying(
            KldloadException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(ErrorKind.PRECONDITION);
              assertThat(e.getMessage())
                  .contains("debian.sources")
                  .contains("mirror+file:/etc/apt/mirrors/debian.list");
              assertThat(e.hint().orElseThrow())
                  .contains(AptSources.OVERRIDE_KEY, AptSources.OVERRIDE_ENV);
            });
  }

  @Test
  @DisplayName("cdrom: is refused; a usable entry in a later file is taken instead")
  void cdrom() throws Exception {
    osRelease("bookworm");
    write("etc/apt/sources.list", "deb cdrom:[Debian GNU/Linux 12]/ bookworm main\n");
    assertThatThrownBy(() -> new AptSources(root).archive())
        .isInstanceOfSatisfying(
            KldloadException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(ErrorKind.PRECONDITION);
              assertThat(e.getMessage()).contains("sources.list").contains("cdrom:");
            });
    write("etc/apt/sources.list.d/net.list", "deb http://mirror.example/debian bookworm main\n");
    assertThat(new AptSources(root).archive()).isEqualTo("http://mirror.example/debian");
  }

  @Test
  @DisplayName("no fitting entry at all: a precondition with the override as hint")
  void none() throws Exception {
    write("etc/apt/sources.list", "deb http://mirror.example/debian sid main\n");
    assertThatThrownBy(() -> new AptSources(root).archive())
        .isInstanceOfSatisfying(
            KldloadException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(ErrorKind.PRECONDITION);
              assertThat(e.getMessage()).contains("bookworm");
              assertThat(e.hint().orElseThrow()).contains(AptSources.OVERRIDE_ENV);
            });
  }
}
