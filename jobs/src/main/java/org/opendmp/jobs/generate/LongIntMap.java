package org.opendmp.jobs.generate;

/** An open-addressing long-to-int map for interning (linear probing, key 0 = empty): ~24 bytes per entry at
 * most, no boxing. */
final class LongIntMap {
  private long[] keys;
  private int[] values;
  private int size;
  private int mask;

  LongIntMap(int capacity) {
    int cap = Integer.highestOneBit(Math.max(16, capacity) * 2 - 1);
    keys = new long[cap];
    values = new int[cap];
    mask = cap - 1;
  }

  /** Puts the key with the value unless present; returns the value now mapped. */
  int putIfAbsent(long key, int value) {
    int i = (int) Seeds.mix(key) & mask;
    while (keys[i] != 0) {
      if (keys[i] == key) {
        return values[i];
      }
      i = (i + 1) & mask;
    }
    keys[i] = key;
    values[i] = value;
    if (++size * 2 > keys.length) {
      grow();
    }
    return value;
  }

  private void grow() {
    long[] oldKeys = keys;
    int[] oldValues = values;
    keys = new long[oldKeys.length * 2];
    values = new int[oldKeys.length * 2];
    mask = keys.length - 1;
    for (int j = 0; j < oldKeys.length; j++) {
      if (oldKeys[j] != 0) {
        int i = (int) Seeds.mix(oldKeys[j]) & mask;
        while (keys[i] != 0) {
          i = (i + 1) & mask;
        }
        keys[i] = oldKeys[j];
        values[i] = oldValues[j];
      }
    }
  }
}
