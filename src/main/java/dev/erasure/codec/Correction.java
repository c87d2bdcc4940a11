package dev.erasure.codec;

/**
 * What {@link ShardCorrector} found: the supplied shards it corrected (or, when locating only,
 * found corrupted) and in how many byte columns. Empty when the supplied shards were consistent.
 *
 * @param shards indexes of the corrupted shards, ascending: the union over all columns
 * @param columns byte columns in which at least one shard was corrupted
 * @param supplied number of shards that were supplied (r)
 * @param correctable floor((r - k) / 2): the most corrupted shards per column that are corrected
 */
public record Correction(int[] shards, long columns, int supplied, int correctable) {

    public Correction {
        shards = shards.clone();
    }

    @Override
    public int[] shards() {
        return shards.clone();
    }

    /** True when no supplied shard was found corrupted. */
    public boolean clean() {
        return shards.length == 0;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Correction c && java.util.Arrays.equals(shards, c.shards) && columns == c.columns
                && supplied == c.supplied && correctable == c.correctable;
    }

    @Override
    public int hashCode() {
        return java.util.Arrays.hashCode(shards) * 31 + Long.hashCode(columns);
    }

    @Override
    public String toString() {
        return "Correction(shards=" + java.util.Arrays.toString(shards) + ", columns=" + columns + ", supplied="
                + supplied + ", correctable=" + correctable + ")";
    }
}
