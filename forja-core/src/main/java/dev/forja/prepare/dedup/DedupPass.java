package dev.forja.prepare.dedup;

/**
 * The second pass of {@link dev.forja.prepare.PreparePipeline}: finds duplicates among the spilled records from
 * externally sorted keys, in bounded memory: the components are {@link SpillingUnionFind}s, which move to disk past
 * their budget.
 *
 * <p><b>Exact:</b> in (exact key, id) order, every id after the first of a key is an exact duplicate; those ids are
 * handed to a sorter keyed by id, since on a log corpus they may be most records.
 *
 * <p><b>Near:</b> in (band key, id) order, every member of a bucket (records whose signatures agree on a whole band)
 * is checked against the bucket's smallest id on the stored signatures. A pair estimated at {@code removeAt} or more
 * joins the same <i>duplicate</i> component, a pair at {@code clusterAt} or more the same <i>cluster</i> component
 * (every duplicate pair is also a cluster pair). Components are connected components, as in text-dedup and datatrove:
 * a chain a≈b≈c is one component even when a and c are not similar, and of each duplicate component only its
 * smallest id (the first in input order) is kept.
 */
public final class DedupPass {
    private DedupPass() {}

    /** Adds to {@code duplicateIds} (as key, value 0) every id after the first of each exact key in {@code byKey}. */
    public static void exactDuplicates(PairSorter.Cursor byKey, PairSorter duplicateIds) {
        boolean any = false;
        long key = 0;
        while (byKey.next()) {
            if (any && byKey.key() == key) {
                duplicateIds.add(byKey.value(), 0);
            } else {
                any = true;
                key = byKey.key();
            }
        }
    }

    /**
     * Links the near-duplicate pairs of {@code byBand}, checked on {@code signatures}, into {@code duplicates}
     * (similarity at least {@code removeAt}) and {@code clusters} (at least {@code clusterAt}); returns the number
     * of candidate pairs checked.
     */
    public static long nearDuplicates(
            PairSorter.Cursor byBand,
            SignatureFile signatures,
            double removeAt,
            double clusterAt,
            SpillingUnionFind duplicates,
            SpillingUnionFind clusters) {
        byte[] first = new byte[MinHashBands.SIGNATURE_BYTES], other = new byte[MinHashBands.SIGNATURE_BYTES];
        boolean any = false, firstRead = false;
        long bucket = 0, smallest = -1, checked = 0;
        while (byBand.next()) {
            long id = byBand.value();
            if (!any || byBand.key() != bucket) {
                any = true;
                bucket = byBand.key();
                smallest = id;
                firstRead = false;
                continue;
            }
            if (id == smallest) continue; // two bands of one record with the same key
            // A pair found through another band already: its duplicate component cannot change.
            if (duplicates.contains(id) && duplicates.find(id) == duplicates.find(smallest)) continue;
            if (!firstRead) {
                signatures.read(smallest, first);
                firstRead = true;
            }
            double similarity = MinHashBands.similarity(first, signatures.read(id, other));
            checked++;
            if (similarity >= removeAt) duplicates.union(smallest, id);
            if (similarity >= clusterAt) clusters.union(smallest, id);
        }
        return checked;
    }
}
