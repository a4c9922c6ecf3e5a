package dev.kldload.net.linux;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kldload.core.ErrorKind;
import dev.kldload.core.KldloadException;
import dev.kldload.core.value.Cidr;
import dev.kldload.net.IfAddress;
import dev.kldload.net.Route;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Parses {@code ip -j} output: typed fields, no column counting. */
final class IpJson {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private IpJson() {}

  static JsonNode tree(String json, String what) {
    try {
      JsonNode node = MAPPER.readTree(json.isBlank() ? "[]" : json);
      return node == null ? MAPPER.createArrayNode() : node;
    } catch (IOException e) {
      throw new KldloadException(
          ErrorKind.FAILED, what + " printed output that is not JSON: " + e.getMessage(), null, e);
    }
  }

  /** {@code ip -j route} / {@code ip -j -6 route}: "default" becomes 0.0.0.0/0 or ::/0. */
  static List<Route> routes(String json, boolean ipv6) {
    List<Route> out = new ArrayList<>();
    for (JsonNode entry : tree(json, "ip route")) {
      String dst = entry.path("dst").asText("");
      if (dst.isEmpty()) {
        continue;
      }
      Cidr destination;
      if (dst.equals("default")) {
        destination = Cidr.parse(ipv6 ? "::/0" : "0.0.0.0/0");
      } else {
        String withPrefix = dst.contains("/") ? dst : dst + (ipv6 ? "/128" : "/32");
        try {
          destination = Cidr.parse(withPrefix);
        } catch (KldloadException e) {
          // multicast/anycast oddities we do not plan around
          continue;
        }
      }
      out.add(new Route(destination, text(entry, "dev"), text(entry, "gateway")));
    }
    return out;
  }

  /** {@code ip -j addr show dev X}: every address of the first link. */
  static List<IfAddress> addresses(String json) {
    List<IfAddress> out = new ArrayList<>();
    for (JsonNode link : tree(json, "ip addr")) {
      for (JsonNode info : link.path("addr_info")) {
        String local = info.path("local").asText("");
        if (!local.isEmpty() && info.has("prefixlen")) {
          out.add(IfAddress.parse(local + "/" + info.path("prefixlen").asInt()));
        }
      }
    }
    return out;
  }

  private static Optional<String> text(JsonNode node, String field) {
    JsonNode value = node.get(field);
    return value == null || value.asText().isEmpty()
        ? Optional.empty()
        : Optional.of(value.asText());
  }
}
