package dev.kldload.dist;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kldload.core.testing.Requirements;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The generated man pages, rendered by man-db as an operator's {@code man} would. */
class ManPagesIT {
  @Test
  @DisplayName(
      "every tool has a page; man --warnings renders each without a warning, with"
          + " EXIT STATUS, ENVIRONMENT, FILES and EXAMPLES")
  void everyPageRendersCleanly() throws IOException {
    Requirements.require(Requirements.onPath("man"), "man-db (apt-get install man-db)");
    List<Path> pages;
    try (Stream<Path> s = Files.list(Built.DOCS.resolve("man1"))) {
      pages = s.sorted().toList();
    }
    assertThat(pages).hasSize(Built.tools().size() + 1);
    for (String[] tool : Built.tools()) {
      String page = tool[1].equals("path") ? tool[0] : "kldload-" + tool[0];
      assertThat(Built.DOCS.resolve("man1/" + page + ".1")).isRegularFile();
    }
    for (Path page : pages) {
      for (String locale : List.of("C.UTF-8", "C")) {
        Proc r =
            Proc.run(
                List.of("man", "--warnings", "-E", "UTF-8", "-l", page.toString()),
                Map.of("MANWIDTH", "80", "LC_ALL", locale, "MANPAGER", "cat", "PAGER", "cat"),
                false);
        assertThat(r.exit()).as("%s", r).isZero();
        assertThat(r.err()).as("%s in %s", page, locale).isEmpty();
        assertThat(r.out())
            .contains(
                "NAME",
                "SYNOPSIS",
                "DESCRIPTION",
                "EXIT STATUS",
                "ENVIRONMENT",
                "FILES",
                "EXAMPLES",
                "SEE ALSO",
                "KLDLOAD_STATE_DIR");
      }
    }
  }
}
