package dev.stockroom.common.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.SplittableRandom;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Instants are written exactly as Instant.toString writes them")
class IsoInstantsTest {
  @Test
  @DisplayName("every precision, edge of day and year, and a million random instants")
  void sameAsInstantToString() {
    for (String text :
        new String[] {
          "2026-12-04T12:00:00Z",
          "2026-12-04T12:00:00.100Z",
          "2026-12-04T12:00:00.000100Z",
          "2026-12-04T12:00:00.000000100Z",
          "2026-12-04T23:59:59.999999999Z",
          "1970-01-01T00:00:00Z",
          "1000-01-01T00:00:00.5Z",
          "9999-12-31T23:59:59.999Z",
          "0999-12-31T23:59:59Z",
          "+10000-01-01T00:00:00Z",
          "1969-12-31T23:59:59.000001Z"
        }) {
      Instant t = Instant.parse(text);
      assertThat(IsoInstants.format(t)).as(text).isEqualTo(t.toString());
    }
    SplittableRandom random = new SplittableRandom(17);
    long min = Instant.parse("0500-01-01T00:00:00Z").getEpochSecond();
    long max = Instant.parse("+12000-01-01T00:00:00Z").getEpochSecond();
    for (int i = 0; i < 1_000_000; i++) {
      int nano =
          switch (i % 4) {
            case 0 -> 0;
            case 1 -> random.nextInt(1000) * 1_000_000;
            case 2 -> random.nextInt(1_000_000) * 1_000;
            default -> random.nextInt(1_000_000_000);
          };
      Instant t = Instant.ofEpochSecond(random.nextLong(min, max), nano);
      assertThat(IsoInstants.format(t)).isEqualTo(t.toString());
    }
  }

  @Test
  @DisplayName("instants written again, among others that share their cache slots, read the same")
  void rememberedInstantsStayExact() {
    SplittableRandom random = new SplittableRandom(29);
    Instant base = Instant.parse("2026-12-05T10:00:00Z");
    // A few hundred instants a nanosecond or a second apart, written in random order, many times:
    // every slot is taken over and over, and a hit must still be this instant's text.
    Instant[] instants = new Instant[300];
    for (int i = 0; i < instants.length; i++) {
      instants[i] = base.plusSeconds(i % 20).plusNanos(i / 20);
    }
    for (int i = 0; i < 200_000; i++) {
      Instant t = instants[random.nextInt(instants.length)];
      assertThat(IsoInstants.format(t)).isEqualTo(t.toString());
    }
  }
}
