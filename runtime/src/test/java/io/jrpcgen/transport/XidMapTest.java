package io.jrpcgen.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The XID table against a HashMap doing the same things. */
class XidMapTest {
  @Test
  void randomAddsAndRemovesAgreeWithAHashMap() {
    Random random = new Random(42);
    XidMap<String> table = new XidMap<>();
    Map<Integer, String> model = new HashMap<>();
    int base = random.nextInt();
    for (int step = 0; step < 200_000; step++) {
      // Consecutive XIDs, as channels make them, and now and then a far one.
      int key = random.nextInt(8) == 0 ? random.nextInt() : base + random.nextInt(300);
      switch (random.nextInt(4)) {
        case 0, 1 -> {
          String value = "v" + step;
          assertThat(table.putIfAbsent(key, value))
              .isEqualTo(model.putIfAbsent(key, value) == null);
        }
        case 2 -> assertThat(table.remove(key)).isEqualTo(model.remove(key));
        default -> {
          String current = model.get(key);
          assertThat(table.get(key)).isEqualTo(current);
          if (current != null && random.nextBoolean()) {
            assertThat(table.remove(key, "other")).isFalse();
            assertThat(table.remove(key, current)).isTrue();
            model.remove(key);
          }
        }
      }
      assertThat(table.isEmpty()).isEqualTo(model.isEmpty());
    }
    for (var e : model.entrySet()) {
      assertThat(table.get(e.getKey())).isEqualTo(e.getValue());
    }
    assertThat(table.removeAll()).containsExactlyInAnyOrderElementsOf(model.values());
    assertThat(table.isEmpty()).isTrue();
    assertThat(table.find(v -> true)).isNull();
  }

  @Test
  void findReturnsAValueTheTestAccepts() {
    XidMap<String> table = new XidMap<>();
    table.putIfAbsent(1, "a");
    table.putIfAbsent(2, "bb");
    assertThat(table.find(v -> v.length() == 2)).isEqualTo("bb");
    assertThat(table.find(v -> v.length() == 3)).isNull();
  }

  @Test
  void removeIfRemovesTheValuesTheTestAcceptsAndKeepsTheRest() {
    XidMap<String> table = new XidMap<>();
    Map<Integer, String> model = new HashMap<>();
    // Colliding and neighbouring keys, so that removals move entries.
    for (int key = 0; key < 64; key++) {
      table.putIfAbsent(key * 16, "v" + key);
      model.put(key * 16, "v" + key);
    }
    assertThat(table.findAll(v -> v.endsWith("3")))
        .containsExactlyInAnyOrder("v3", "v13", "v23", "v33", "v43", "v53", "v63");
    assertThat(table.removeIf(v -> Integer.parseInt(v.substring(1)) % 3 == 0))
        .hasSize(22)
        .allMatch(v -> Integer.parseInt(v.substring(1)) % 3 == 0);
    model.values().removeIf(v -> Integer.parseInt(v.substring(1)) % 3 == 0);
    for (int key = 0; key < 64; key++) {
      assertThat(table.get(key * 16)).isEqualTo(model.get(key * 16));
    }
    assertThat(table.removeIf(v -> false)).isEmpty();
    assertThat(table.removeAll()).containsExactlyInAnyOrderElementsOf(model.values());
  }
}
