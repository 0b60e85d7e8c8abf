package dev.forja.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.forja.ForjaException;
import dev.forja.data.ChatTemplate;
import dev.forja.data.Message;
import dev.forja.generate.SamplingConfig;
import dev.forja.generate.TextGenerator;
import dev.forja.model.PretrainedModel;
import dev.forja.prepare.lang.LanguageId;
import dev.forja.rag.Embedder;
import dev.forja.rag.Fusion;
import dev.forja.rag.GroundedPrompt;
import dev.forja.rag.GroundingAudit;
import dev.forja.rag.RagEval;
import dev.forja.rag.RagIndex;
import dev.forja.rag.RagIndexer;
import dev.forja.rag.RagSearcher;
import dev.forja.rag.SentenceEmbedder;
import dev.forja.tokenizer.StreamingDecoder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code forja rag index | query | eval}: retrieval over the user's own documents. */
@Command(
        name = "rag",
        mixinStandardHelpOptions = true,
        description = "Index documents for retrieval, query the index, evaluate retrieval against labelled questions.",
        subcommands = {RagCommand.Index.class, RagCommand.Query.class, RagCommand.Ask.class, RagCommand.Eval.class})
final class RagCommand {
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * The {@code k} best chunks of the index for each query, in {@code mode}; the queries are embedded in one batch by
     * the index's own model, which BM25 alone does not open.
     */
    static List<List<RagSearcher.Hit>> retrieve(
            Path index, String embeddings, RagSearcher.Mode mode, List<String> queries, int k) {
        try (RagSearcher s = RagSearcher.open(index);
                Embedder e = mode == RagSearcher.Mode.BM25 ? null : embedderOf(index, embeddings)) {
            float[][] vectors = e == null ? new float[queries.size()][] : e.embedQueries(queries);
            List<List<RagSearcher.Hit>> out = new ArrayList<>();
            for (int i = 0; i < queries.size(); i++) out.add(s.search(queries.get(i), vectors[i], mode, k));
            return out;
        }
    }

    /** The embedder an index was built with, reopened by the name it recorded, and checked against its hash. */
    static Embedder embedderOf(Path index, String override) {
        RagIndex.Meta meta = RagIndex.meta(index);
        Embedder e = SentenceEmbedder.open(override != null ? override : meta.modelName());
        try {
            meta.check(e, index);
        } catch (ForjaException x) {
            e.close();
            throw x;
        }
        return e;
    }

    @Command(
            name = "index",
            mixinStandardHelpOptions = true,
            description = "Read, clean (and with --anonymize strip PII from) documents as forja prepare does, cut them "
                    + "into chunks that follow their structure, embed them and store them in a Lucene index (HNSW "
                    + "vectors, BM25 per language). Run it again to update: only changed files are embedded again, "
                    + "deleted files leave the index.")
    static final class Index implements Callable<Integer> {
        @Option(names = "--input", required = true, split = ",", description = "Files or directories to index.")
        List<Path> inputs;

        @Option(names = "--index", required = true, description = "The index directory (created or updated).")
        Path index;

        @Option(names = "--anonymize", description = "Mask PII in the chunks before they are stored.")
        boolean anonymize;

        @Option(names = "--chunk-tokens", defaultValue = "256", description = "Tokens per chunk (default: 256).")
        int chunkTokens;

        @Option(
                names = "--overlap",
                defaultValue = "32",
                description = "Tokens a chunk repeats of the one before (default: 32).")
        int overlap;

        @Option(
                names = "--embeddings",
                defaultValue = "minilm",
                description = "'minilm' (embedded, English) or a sentence-BERT directory (default: minilm).")
        String embeddings;

        @Mixin
        ThreadsOption threads;

        @Override
        public Integer call() {
            threads.use(true);
            long t0 = System.nanoTime();
            try (Embedder e = SentenceEmbedder.open(embeddings)) {
                RagIndexer.Stats s = RagIndexer.run(
                        new RagIndexer.Options(inputs, index, anonymize, chunkTokens, overlap), e, System.err);
                double sec = (System.nanoTime() - t0) / 1e9;
                System.out.printf(
                        Locale.ROOT,
                        "indexed %d files (%d unchanged, %d changed, %d removed): %,d chunks embedded, %,d removed;"
                                + " %,d chunks in %s (%.1f s, %.1f chunks/s)%n",
                        s.files(),
                        s.unchanged(),
                        s.changed(),
                        s.deleted(),
                        s.chunksEmbedded(),
                        s.chunksDeleted(),
                        s.chunks(),
                        index,
                        sec,
                        s.chunksEmbedded() / Math.max(sec, 1e-9));
            }
            return 0;
        }
    }

    /** One query or a file of them. */
    static final class QueryInput {
        @Option(names = "--query", description = "The question.")
        String query;

        @Option(names = "--queries", description = "A JSONL file of {\"id\", \"query\"} lines.")
        Path queries;
    }

    @Command(
            name = "query",
            mixinStandardHelpOptions = true,
            description = "Retrieve the chunks that answer a question: one JSON line per query, "
                    + "{\"id\", \"results\": [{\"source\", \"score\", \"text\", ...}]}, best first.")
    static final class Query implements Callable<Integer> {
        @Option(names = "--index", required = true, description = "The index directory.")
        Path index;

        @ArgGroup(exclusive = true, multiplicity = "1")
        QueryInput input;

        @Option(names = "--k", defaultValue = "10", description = "Results per query (default: 10).")
        int k;

        @Option(names = "--mode", defaultValue = "hybrid", description = "hybrid, vector or bm25 (default: hybrid).")
        String mode;

        @Option(names = "--embeddings", description = "The model the index was built with, if it moved.")
        String embeddings;

        @Mixin
        ThreadsOption threads;

        @Override
        public Integer call() throws IOException {
            RagSearcher.Mode m = RagSearcher.Mode.parse(mode);
            List<String[]> queries = new ArrayList<>();
            if (input.query != null) queries.add(new String[] {"q1", input.query});
            else queries.addAll(readQueries(input.queries));
            threads.use(true);
            List<List<RagSearcher.Hit>> found = retrieve(
                    index, embeddings, m, queries.stream().map(q -> q[1]).toList(), k);
            for (int i = 0; i < queries.size(); i++) {
                ObjectNode line = JSON.createObjectNode().put("id", queries.get(i)[0]);
                ArrayNode results = line.putArray("results");
                for (RagSearcher.Hit h : found.get(i)) h.writeTo(results.addObject());
                System.out.println(JSON.writeValueAsString(line));
            }
            return 0;
        }

        private static List<String[]> readQueries(Path file) throws IOException {
            if (!Files.isRegularFile(file)) throw new ForjaException("--queries " + file + " does not exist");
            List<String[]> out = new ArrayList<>();
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            for (int i = 0; i < lines.size(); i++) {
                if (lines.get(i).isBlank()) continue;
                JsonNode n;
                try {
                    n = JSON.readTree(lines.get(i));
                } catch (IOException x) {
                    throw new ForjaException(file + ":" + (i + 1) + ": not JSON");
                }
                if (!n.hasNonNull("query") || n.get("query").asText().isBlank())
                    throw new ForjaException(file + ":" + (i + 1) + ": needs \"query\": a non-empty string");
                out.add(new String[] {
                    n.hasNonNull("id") ? n.get("id").asText() : "q" + (i + 1),
                    n.get("query").asText()
                });
            }
            return out;
        }
    }

    @Command(
            name = "ask",
            mixinStandardHelpOptions = true,
            description = "Answer a question from the index: retrieve, put the chunks in the prompt as numbered sources"
                    + " (as many as the model's context holds), generate an answer that cites them [n], print the"
                    + " sources under it, and audit the answer: which sentences cite a source that supports them.")
    static final class Ask implements Callable<Integer> {
        @Option(names = "--index", required = true, description = "The index directory.")
        Path index;

        @Option(names = "--model", required = true, description = "The language model: directory, GGUF or Hub id.")
        String model;

        @Option(names = "--question", required = true, description = "The question.")
        String question;

        @Option(names = "--k", defaultValue = "5", description = "Chunks retrieved (default: 5).")
        int k;

        @Option(names = "--mode", defaultValue = "hybrid", description = "hybrid, vector or bm25 (default: hybrid).")
        String mode;

        @Option(names = "--max-new-tokens", defaultValue = "256", description = "Answer length at most (default: 256).")
        int maxNewTokens;

        @Option(names = "--embeddings", description = "The model the index was built with, if it moved.")
        String embeddings;

        @Mixin
        AdapterOptions loading;

        @Override
        public Integer call() {
            if (maxNewTokens < 1) throw new ForjaException("--max-new-tokens must be >= 1");
            RagSearcher.Mode m = RagSearcher.Mode.parse(mode);
            List<RagSearcher.Hit> hits =
                    retrieve(index, embeddings, m, List.of(question), k).get(0);
            String lang = LanguageId.shared().identify(question);
            if (!lang.equals("es") && !lang.equals("pt")) lang = "en";
            try (PretrainedModel lm = loading.load(model)) {
                int room = lm.model().config().maxPositions() - maxNewTokens;
                var tokenizer = lm.tokenizer();
                GroundedPrompt prompt =
                        GroundedPrompt.build(question, lang, hits, room - 16, t -> tokenizer.encode(t, false).length);
                Optional<ChatTemplate> template = ChatTemplate.fromModelDir(lm.dir());
                String text = template.isPresent()
                        ? template.get()
                                .render(
                                        List.of(new Message("user", prompt.instruction() + "\n\n" + prompt.user())),
                                        true)
                        : prompt.plain(lang);
                long[] ids = tokenizer.encode(text, template.isEmpty());
                Set<Long> eos = new HashSet<>(lm.generation().eosTokenIds());
                StreamingDecoder decoder = new StreamingDecoder(tokenizer, true);
                StringBuilder answer = new StringBuilder();
                new TextGenerator(lm.model())
                        .generate(
                                ids,
                                maxNewTokens,
                                SamplingConfig.greedy(),
                                true,
                                (gen, n) -> eos.contains(gen[n - 1]),
                                id -> {
                                    if (!eos.contains(id)) answer.append(decoder.push(id));
                                });
                answer.append(decoder.flush());
                String said = answer.toString().strip();
                System.out.println(said);
                System.out.println();
                System.out.println("sources:");
                for (int i = 0; i < prompt.sources().size(); i++) {
                    RagSearcher.Hit h = prompt.sources().get(i);
                    System.out.printf(
                            Locale.ROOT,
                            "  [%d] %s%s%n",
                            i + 1,
                            h.source(),
                            h.line() > 0 ? " (line " + h.line() + ")" : "");
                }
                if (prompt.sources().size() < hits.size())
                    System.out.printf(
                            "  (%d more retrieved, left out: the model's context is full)%n",
                            hits.size() - prompt.sources().size());
                GroundingAudit.Report audit = GroundingAudit.audit(said, prompt.sources());
                System.out.printf(
                        Locale.ROOT,
                        "%ngrounding: %d of %d sentences cite a source that holds %.0f%% of their words or more%n",
                        audit.supported(),
                        audit.sentences().size(),
                        GroundingAudit.OVERLAP * 100);
                for (GroundingAudit.Sentence u : audit.unsupported()) System.out.println("  unsupported: " + u.text());
            }
            return 0;
        }
    }

    @Command(
            name = "eval",
            mixinStandardHelpOptions = true,
            description = "Retrieval quality against labelled questions ({\"query\", \"relevant\": [sources]} lines):"
                    + " recall@5, recall@10, MRR@10 and nDCG@10 for hybrid, vector, BM25 and a plain TF-IDF cosine"
                    + " baseline, and how often the HNSW search returns the exact cosine top 10. With --tune, first"
                    + " choose hybrid's fusion (rank constant, weights) on half the questions, store it in the index,"
                    + " and report on the other half.")
    static final class Eval implements Callable<Integer> {
        /** How many chunks a ranking reads to find its top 10 documents (several chunks may share a document). */
        private static final int WINDOW = 50;

        @Option(names = "--index", required = true, description = "The index directory.")
        Path index;

        @Option(names = "--qrels", required = true, description = "The labelled questions (JSONL).")
        Path qrels;

        @Option(names = "--embeddings", description = "The model the index was built with, if it moved.")
        String embeddings;

        @Option(
                names = "--tune",
                description = "Choose hybrid's fusion by nDCG@10 on half the questions (split by id), store it in the"
                        + " index for query, ask and serve, and report on the half held out (default: off).")
        boolean tune;

        @Mixin
        ThreadsOption threads;

        @Override
        public Integer call() {
            List<RagEval.Question> questions = RagEval.read(qrels);
            threads.use(true);
            try (RagSearcher s = RagSearcher.open(index);
                    Embedder e = embedderOf(index, embeddings)) {
                List<float[]> vectors = List.of(e.embedQueries(
                        questions.stream().map(RagEval.Question::query).toList()));
                Map<RagEval.Question, float[]> byQuestion = new IdentityHashMap<>();
                for (int i = 0; i < questions.size(); i++) byQuestion.put(questions.get(i), vectors.get(i));
                System.out.printf(
                        Locale.ROOT,
                        "%d questions, %,d chunks%n",
                        questions.size(),
                        s.counts().get("chunks"));
                Map<RagEval.Question, RagSearcher.Rankings> rankings = new IdentityHashMap<>();
                for (RagEval.Question q : questions) rankings.put(q, s.rankings(q.query(), byQuestion.get(q), WINDOW));
                Fusion fusion = s.meta().fusion();
                List<RagEval.Question> reported = questions;
                if (tune) {
                    RagEval.Tuning t =
                            RagEval.tune(questions, (q, f) -> RagEval.sources(s.fuse(rankings.get(q), f, WINDOW)));
                    fusion = t.fusion();
                    RagIndex.saveFusion(index, fusion);
                    System.out.printf(
                            Locale.ROOT,
                            "%n--tune chose on %d questions: %s; stored in %s%n"
                                    + "%nthe other %d questions, held out from the choice:%n",
                            t.choosing().size(),
                            fusion,
                            index,
                            t.heldOut().size());
                    reported = t.heldOut();
                } else System.out.printf(Locale.ROOT, "hybrid: %s%n%n", fusion);
                Fusion chosen = fusion;
                System.out.printf(
                        Locale.ROOT, "%-22s %9s %10s %7s %8s%n", "mode", "recall@5", "recall@10", "MRR@10", "nDCG@10");
                StringBuilder latency = new StringBuilder();
                for (RagSearcher.Mode m : RagSearcher.Mode.values()) {
                    List<Long> nanos = new ArrayList<>();
                    RagEval.Scores sc = RagEval.score(reported, q -> {
                        long t0 = System.nanoTime();
                        List<RagSearcher.Hit> hits = m == RagSearcher.Mode.HYBRID
                                ? s.fuse(s.rankings(q.query(), byQuestion.get(q), WINDOW), chosen, WINDOW)
                                : s.search(q.query(), byQuestion.get(q), m, WINDOW);
                        nanos.add(System.nanoTime() - t0);
                        return RagEval.sources(hits);
                    });
                    print(m.name().toLowerCase(Locale.ROOT), sc);
                    nanos.sort(null);
                    latency.append(String.format(
                            Locale.ROOT,
                            "  %-7s p50 %.1f ms, p95 %.1f ms%n",
                            m.name().toLowerCase(Locale.ROOT),
                            nanos.get(nanos.size() / 2) / 1e6,
                            nanos.get((int) Math.max(0, Math.ceil(nanos.size() * 0.95) - 1)) / 1e6));
                }
                if (!chosen.equals(Fusion.DEFAULT))
                    print(
                            "hybrid, default fusion",
                            RagEval.score(
                                    reported, q -> RagEval.sources(s.fuse(rankings.get(q), Fusion.DEFAULT, WINDOW))));
                RagEval.TfIdf tfidf = new RagEval.TfIdf(s.allChunks());
                print("tf-idf", RagEval.score(reported, q -> tfidf.rank(q.query(), WINDOW)));
                if (tune) {
                    System.out.printf(
                            Locale.ROOT, "%nall %d questions (half of them chose the fusion):%n", questions.size());
                    print(
                            "hybrid",
                            RagEval.score(questions, q -> RagEval.sources(s.fuse(rankings.get(q), chosen, WINDOW))));
                    for (RagSearcher.Mode m : List.of(RagSearcher.Mode.VECTOR, RagSearcher.Mode.BM25))
                        print(
                                m.name().toLowerCase(Locale.ROOT),
                                RagEval.score(
                                        questions,
                                        q -> RagEval.sources(s.search(q.query(), byQuestion.get(q), m, WINDOW))));
                }
                System.out.printf(
                        Locale.ROOT,
                        "%nHNSW top 10 = exact cosine top 10 for %.3f of the questions%n",
                        RagEval.exactShare(s, vectors, 10));
                System.out.printf(
                        "%nsearch latency per question (%d chunks read, the query already embedded):%n%s",
                        WINDOW, latency);
            }
            return 0;
        }

        private static void print(String name, RagEval.Scores s) {
            System.out.printf(
                    Locale.ROOT,
                    "%-22s %9.3f %10.3f %7.3f %8.3f%n",
                    name,
                    s.recall5(),
                    s.recall10(),
                    s.mrr10(),
                    s.ndcg10());
        }
    }
}
