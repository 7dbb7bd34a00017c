package dev.stockroom.common.replica;

import dev.stockroom.common.replica.ReplicaEvent.Poison;
import dev.stockroom.common.replica.ReplicaEvent.Rejected;
import dev.stockroom.common.replica.ReplicaEvent.Upsert;
import dev.stockroom.common.replica.ReplicaEvent.Watermark;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * What the replica does not take on trust. Anyone who can write to the owner's topic could
 * otherwise freeze the copy: a watermark dated 2999 would mark a partition fresh forever ({@code
 * greatest()} never moves back), an event time from the future would do the same for one row, and a
 * version near {@code Long.MAX_VALUE} would make every genuine change after it look old. So: a
 * watermark beyond this clock plus the allowed skew is ignored, an event time beyond it is clamped
 * to this clock (the change itself is applied), and a version that jumps further past the stored
 * one than {@code maxVersionJump} is parked in the dead-letter topic with the reason.
 */
final class ReplicaTrust {
  private final Duration maxClockSkew;
  private final long maxVersionJump;

  ReplicaTrust(Duration maxClockSkew, long maxVersionJump) {
    this.maxClockSkew = maxClockSkew;
    this.maxVersionJump = maxVersionJump;
  }

  /**
   * The batch as it will be applied, index for index, what was not believed, and the versions
   * stored before it ({@code stored}).
   */
  record Screened(
      List<ReplicaEvent> events,
      int ignoredWatermarks,
      int clampedTimes,
      int versionJumps,
      Map<UUID, Long> stored) {}

  /**
   * @param stored the stored version of every id the batch upserts (absent: not stored yet)
   * @param now this process's clock
   */
  Screened screen(List<ReplicaEvent> events, Map<UUID, Long> stored, Instant now) {
    Instant latest = now.plus(maxClockSkew);
    List<ReplicaEvent> screened = new ArrayList<>(events.size());
    int ignored = 0;
    int clamped = 0;
    int jumps = 0;
    for (ReplicaEvent event : events) {
      if (event instanceof Watermark w && w.at().isAfter(latest)) {
        ignored++;
        screened.add(
            new Rejected(
                "watermark "
                    + w.at()
                    + " of partition "
                    + w.partition()
                    + " is more than "
                    + maxClockSkew
                    + " ahead of this clock"));
      } else if (event instanceof Upsert u) {
        long base = stored.getOrDefault(u.id(), 0L);
        if (u.version() - base > maxVersionJump) {
          jumps++;
          screened.add(
              new Poison(
                  "version "
                      + u.version()
                      + " jumps more than "
                      + maxVersionJump
                      + " past the stored version "
                      + base));
        } else if (u.time().isAfter(latest)) {
          clamped++;
          screened.add(new Upsert(u.id(), u.data(), u.version(), u.deleted(), u.partition(), now));
        } else {
          screened.add(u);
        }
      } else {
        screened.add(event);
      }
    }
    return new Screened(screened, ignored, clamped, jumps, stored);
  }
}
