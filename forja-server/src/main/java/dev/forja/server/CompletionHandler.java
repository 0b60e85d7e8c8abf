package dev.forja.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.forja.ForjaException;
import dev.forja.data.Message;
import dev.forja.generate.SamplingConfig;
import dev.forja.io.Json;
import dev.forja.model.GenerationDefaults;
import dev.forja.prepare.lang.LanguageId;
import dev.forja.rag.GroundedPrompt;
import dev.forja.rag.RagSearcher;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

/**
 * {@code POST /v1/chat/completions} and {@code POST /v1/completions}: validates the request, queues a {@link Job},
 * and answers with one JSON body or, with {@code "stream": true}, server-sent events ending in {@code [DONE]}.
 */
final class CompletionHandler {
    /** How long a whole answer may take before the heartbeat starts: quicker ones go out as before. */
    private static final long HEARTBEAT_NANOS = 1_000_000_000L;

    private final ServedModel model;
    private final Scheduler scheduler;
    private final Metrics metrics;
    private final boolean logRequests;
    private final LogprobsJson logprobsJson;
    private final Supplier<RagHandler> rag;

    CompletionHandler(
            ServedModel model, Scheduler scheduler, Metrics metrics, boolean logRequests, Supplier<RagHandler> rag) {
        this.model = model;
        this.rag = rag;
        this.scheduler = scheduler;
        this.metrics = metrics;
        this.logRequests = logRequests;
        this.logprobsJson = new LogprobsJson(model.model().tokenizer());
    }

    /** One request, already parsed, for the model it names. */
    void handle(Context ctx, RequestFields f, boolean chat, String name, int adapter)
            throws IOException, InterruptedException {
        refuseUnsupported(f);
        List<List<RagSearcher.Hit>> sources = new ArrayList<>(1); // what "rag": true put in the prompt
        long[] prompt = chat ? chatPrompt(f, sources) : completionPrompt(f);
        List<RagSearcher.Hit> cited = sources.isEmpty() ? List.of() : sources.get(0);
        boolean stream = f.bool("stream");
        boolean includeUsage = stream && f.includeUsage();
        Long asked = chat ? f.integer("max_completion_tokens", 1) : null;
        if (asked == null) asked = f.integer("max_tokens", 1);
        int room = model.ctx() - prompt.length;
        if (room <= 0 || (asked != null && asked > room)) {
            long completion = asked == null ? 1 : asked;
            throw ApiException.badRequest(
                    "This model's maximum context length is " + model.ctx() + " tokens. However, you requested "
                            + (prompt.length + completion) + " tokens (" + prompt.length + " in the "
                            + (chat ? "messages" : "prompt") + ", " + completion + " for the completion). Please "
                            + "reduce the length of the " + (chat ? "messages" : "prompt") + " or the completion.",
                    chat ? "messages" : "prompt",
                    "context_length_exceeded");
        }
        // OpenAI's defaults: legacy completions stop at 16 tokens, chat runs to the end of the context
        int maxTokens = asked != null ? asked.intValue() : chat ? room : Math.min(16, room);
        Job job = new Job(
                prompt,
                adapter,
                maxTokens,
                logprobs(f, chat),
                sampling(f),
                f.stop(),
                model.eos(),
                model.model().tokenizer());
        if (!scheduler.submit(job)) {
            throw new ApiException(
                    429,
                    "the server is busy: " + scheduler.queued() + " requests are waiting; retry after a second",
                    "rate_limit_exceeded",
                    null,
                    "rate_limit_exceeded");
        }
        String id =
                (chat ? "chatcmpl-" : "cmpl-") + UUID.randomUUID().toString().replace("-", "");
        long created = System.currentTimeMillis() / 1000;
        if (stream) {
            stream(ctx, job, new Head(id, created, name), chat, includeUsage, cited);
        } else {
            whole(ctx, job, new Head(id, created, name), chat, cited);
        }
        metrics.firstToken(job.secondsToFirstToken());
    }

    /**
     * OpenAI fields forja does not implement: a request that uses one gets a 400 naming it, rather than an answer
     * that silently ignored it. Their neutral values (n 1, penalties 0, ...) pass.
     */
    private static void refuseUnsupported(RequestFields f) {
        Long n = f.integer("n", 1);
        if (n != null && n != 1)
            throw ApiException.badRequest("n must be 1: forja returns one choice per request", "n");
        Long bestOf = f.integer("best_of", 1);
        if (bestOf != null && bestOf != 1) throw ApiException.badRequest("best_of is not supported", "best_of");
        for (String penalty : new String[] {"presence_penalty", "frequency_penalty"}) {
            Double p = f.number(penalty, -2, 2);
            if (p != null && p != 0)
                throw ApiException.badRequest(penalty + " is not supported; leave it out", penalty);
        }
        for (String field : new String[] {"logit_bias", "tools", "functions", "suffix"}) {
            JsonNode v = f.body().get(field);
            boolean empty = v == null || v.isNull() || (v.isContainerNode() && v.isEmpty());
            if (!empty) throw ApiException.badRequest(field + " is not supported; leave it out", field);
        }
        if (f.bool("echo")) throw ApiException.badRequest("echo is not supported", "echo");
        JsonNode format = f.body().path("response_format").path("type");
        if (!format.isMissingNode() && !"text".equals(format.asText())) {
            throw ApiException.badRequest(
                    "response_format " + format.asText() + " is not supported; only text", "response_format");
        }
    }

    private long[] completionPrompt(RequestFields f) {
        JsonNode p = f.required("prompt");
        String text;
        if (p.isTextual()) {
            text = p.textValue();
        } else if (p.isArray() && p.size() == 1 && p.get(0).isTextual()) {
            text = p.get(0).textValue();
        } else {
            throw ApiException.badRequest(
                    "'prompt' must be a string (a list of several prompts or of token ids is not supported; send one "
                            + "request per prompt)",
                    "prompt");
        }
        return encode(text, true, "prompt");
    }

    /** Sources a grounded chat answer may cite, at most. */
    static final int RAG_K = 5;

    /**
     * With {@code "rag": true}, the last user message becomes a grounded prompt: the retrieved chunks as numbered
     * sources, an instruction to cite them as {@code [n]}, the question; the sources go to {@code sources}.
     */
    private void ground(List<Message> messages, List<List<RagSearcher.Hit>> sources) {
        RagHandler r = rag.get();
        if (r == null)
            throw ApiException.badRequest("rag needs a retrieval index: start the server with --rag-index DIR", "rag");
        int last = -1;
        for (int i = 0; i < messages.size(); i++) if (messages.get(i).role().equals("user")) last = i;
        if (last < 0) throw ApiException.badRequest("rag needs a user message to retrieve for", "messages");
        String question = messages.get(last).content();
        String lang = LanguageId.shared().identify(question);
        if (!lang.equals("es") && !lang.equals("pt")) lang = "en";
        var tokenizer = model.model().tokenizer();
        int room = model.ctx() - Math.min(512, model.ctx() / 4); // a quarter of the context stays for the answer
        GroundedPrompt p;
        try {
            p = GroundedPrompt.build(
                    question, lang, r.retrieve(question, RAG_K), room, t -> tokenizer.encode(t, false).length);
        } catch (ForjaException e) {
            throw ApiException.badRequest(e.getMessage(), "messages");
        }
        messages.set(last, new Message("user", p.instruction() + "\n\n" + p.user()));
        sources.add(p.sources());
    }

    private static ArrayNode sourcesJson(List<RagSearcher.Hit> sources) {
        ArrayNode a = JsonNodeFactory.instance.arrayNode();
        for (int i = 0; i < sources.size(); i++) {
            RagSearcher.Hit h = sources.get(i);
            a.addObject()
                    .put("n", i + 1)
                    .put("source", h.source())
                    .put("line", h.line())
                    .put("chunk", h.ordinal())
                    .put("text", h.text());
        }
        return a;
    }

    private long[] chatPrompt(RequestFields f, List<List<RagSearcher.Hit>> sources) {
        JsonNode ms = f.required("messages");
        if (!ms.isArray() || ms.isEmpty()) throw RequestFields.wrongType("messages", "a non-empty list", ms);
        List<Message> messages = new ArrayList<>();
        for (int i = 0; i < ms.size(); i++) {
            JsonNode m = ms.get(i);
            String where = "messages[" + i + "]";
            if (!m.isObject()) throw RequestFields.wrongType(where, "an object", m);
            JsonNode role = m.get("role");
            if (role == null || !role.isTextual()) {
                throw ApiException.badRequest(where + ".role must be a string", where + ".role");
            }
            messages.add(new Message(role.textValue(), content(m.get("content"), where + ".content")));
        }
        if (f.bool("rag")) ground(messages, sources);
        if (model.chatTemplate().isEmpty()) {
            throw ApiException.badRequest(
                    "model '" + model.name() + "' has no chat template (tokenizer_config.json chat_template); use "
                            + "/v1/completions with a prompt",
                    "messages");
        }
        String text;
        try {
            text = model.chatTemplate().get().render(messages, true);
        } catch (ForjaException e) {
            throw ApiException.badRequest(e.getMessage(), "messages");
        }
        // the template writes the special tokens (BOS, turn markers) itself, as apply_chat_template does
        return encode(text, false, "messages");
    }

    /** A message's content: a string, or a list of {@code {"type": "text", "text": ...}} parts, concatenated. */
    private static String content(JsonNode c, String where) {
        if (c == null || c.isNull()) return "";
        if (c.isTextual()) return c.textValue();
        if (!c.isArray()) throw RequestFields.wrongType(where, "a string or a list of text parts", c);
        StringBuilder sb = new StringBuilder();
        for (JsonNode part : c) {
            if (!part.isObject()
                    || !"text".equals(part.path("type").asText())
                    || !part.path("text").isTextual()) {
                throw ApiException.badRequest(
                        where + " parts must be {\"type\": \"text\", \"text\": ...}; other kinds are not supported",
                        where);
            }
            sb.append(part.get("text").textValue());
        }
        return sb.toString();
    }

    private long[] encode(String text, boolean specialTokens, String param) {
        long[] ids = model.model().tokenizer().encode(text, specialTokens);
        if (ids.length == 0) throw ApiException.badRequest("the " + param + " has no tokens", param);
        return ids;
    }

    /**
     * How many alternatives to report with each token's log-probability, or -1 for none: chat's {@code logprobs}
     * (a boolean) with {@code top_logprobs} (0 to 20); legacy completions' {@code logprobs} (0 to 5).
     */
    private static int logprobs(RequestFields f, boolean chat) {
        if (!chat) {
            Long n = f.integer("logprobs", 0);
            if (n != null && n > 5)
                throw ApiException.badRequest("logprobs must be within [0, 5], got " + n, "logprobs");
            return n == null ? -1 : n.intValue();
        }
        boolean on = f.bool("logprobs");
        Long top = f.integer("top_logprobs", 0);
        if (top != null && top > 20) {
            throw ApiException.badRequest("top_logprobs must be within [0, 20], got " + top, "top_logprobs");
        }
        if (top != null && !on) {
            throw ApiException.badRequest("top_logprobs needs \"logprobs\": true", "top_logprobs");
        }
        return on ? (top == null ? 0 : top.intValue()) : -1;
    }

    /** OpenAI's sampling fields over the model's generation_config.json (greedy without one). */
    private SamplingConfig sampling(RequestFields f) {
        GenerationDefaults d = model.model().generation();
        Double temperature = f.number("temperature", 0, 2);
        Double topP = f.number("top_p", 0, 1);
        if (topP != null && topP == 0) topP = Double.MIN_VALUE; // 0 keeps the most likely token only
        Long seed = f.integer("seed", Long.MIN_VALUE);
        return new SamplingConfig(
                temperature != null ? temperature : d.doSample() ? d.temperature() : 0,
                d.doSample() ? d.topK() : 0,
                topP != null ? topP : d.doSample() ? d.topP() : 1.0,
                d.repetitionPenalty(),
                seed != null ? seed : ThreadLocalRandom.current().nextLong());
    }

    /**
     * The answer as one JSON body. Nothing reaches the client until it is done, so a client that goes away would
     * go unnoticed (Jetty reads nothing more from the connection meanwhile): once a request has waited
     * {@link #HEARTBEAT_NANOS}, the status and headers go out and a space (JSON allows leading whitespace) follows each
     * further second; a write that fails cancels the row. The price: a failure after that point arrives as OpenAI's
     * error body under status 200, as it does mid-stream.
     */
    private void whole(Context ctx, Job job, Head h, boolean chat, List<RagSearcher.Hit> sources)
            throws IOException, InterruptedException {
        StringBuilder text = new StringBuilder();
        List<TokenLogprobs> logprobs = new ArrayList<>();
        OutputStream out = null; // set once the heartbeat committed the response
        long beat = System.nanoTime() + HEARTBEAT_NANOS;
        Job.Done done = null;
        while (done == null) {
            Job.Event e = job.next(100);
            if (System.nanoTime() - beat >= 0) {
                try {
                    if (out == null) {
                        ctx.status(200);
                        ctx.res().setContentType("application/json");
                        out = ctx.res().getOutputStream();
                    }
                    out.write(' ');
                    out.flush();
                } catch (IOException gone) {
                    scheduler.cancel(job); // nobody will read the answer: free its row or its place in the queue
                    return;
                }
                beat = System.nanoTime() + 1_000_000_000L;
            }
            if (e instanceof Job.Text t) {
                text.append(t.text());
                if (t.logprobs() != null) logprobs.add(t.logprobs());
            } else if (e instanceof Job.Done d) done = d;
            else if (e instanceof Job.Failed failed) {
                if (out == null) throw serverError(failed);
                out.write(Json.line(serverError(failed).body()).getBytes(StandardCharsets.UTF_8));
                return;
            }
        }
        log(job, text);
        ObjectNode body = head(h, chat ? "chat.completion" : "text_completion");
        ObjectNode choice = body.putArray("choices").addObject();
        choice.put("index", 0);
        if (chat) {
            ObjectNode message = choice.putObject("message");
            message.put("role", "assistant");
            message.put("content", text.toString());
            message.putNull("refusal");
        } else {
            choice.put("text", text.toString());
        }
        if (!job.wantsLogprobs()) choice.putNull("logprobs");
        else choice.set("logprobs", chat ? logprobsJson.chat(logprobs) : logprobsJson.completion(logprobs, 0));
        choice.put("finish_reason", done.finishReason());
        body.set("usage", usage(done));
        if (!sources.isEmpty()) body.set("sources", sourcesJson(sources)); // what the answer's [n] refer to
        if (out == null) {
            ctx.contentType("application/json").result(Json.line(body));
        } else {
            out.write(Json.line(body).getBytes(StandardCharsets.UTF_8));
            out.flush();
        }
    }

    private void stream(Context ctx, Job job, Head h, boolean chat, boolean includeUsage, List<RagSearcher.Hit> sources)
            throws IOException, InterruptedException {
        ctx.status(200);
        ctx.res().setContentType("text/event-stream; charset=utf-8");
        ctx.res().setHeader("Cache-Control", "no-cache");
        OutputStream out = ctx.res().getOutputStream();
        String object = chat ? "chat.completion.chunk" : "text_completion";
        StringBuilder all = new StringBuilder();
        try {
            if (chat) {
                ObjectNode first = chunk(h, object, chat, "", true, null, includeUsage);
                if (!sources.isEmpty()) first.set("sources", sourcesJson(sources)); // before the answer cites them
                send(out, first);
            }
            while (true) {
                Job.Event e = job.next(1000);
                if (e instanceof Job.Text t) {
                    ObjectNode c = chunk(h, object, chat, t.text(), false, null, includeUsage);
                    if (t.logprobs() != null) {
                        List<TokenLogprobs> one = List.of(t.logprobs());
                        ((ObjectNode) c.path("choices").path(0))
                                .set(
                                        "logprobs",
                                        chat ? logprobsJson.chat(one) : logprobsJson.completion(one, all.length()));
                    }
                    all.append(t.text());
                    send(out, c);
                } else if (e instanceof Job.Done d) {
                    send(out, chunk(h, object, chat, "", false, d.finishReason(), includeUsage));
                    if (includeUsage) {
                        ObjectNode last = head(h, object);
                        last.putArray("choices");
                        last.set("usage", usage(d));
                        send(out, last);
                    }
                    out.write("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
                    out.flush();
                    log(job, all);
                    return;
                } else if (e instanceof Job.Failed failed) {
                    // the status line is gone; an error event is what OpenAI's clients read mid-stream
                    send(out, serverError(failed).body());
                    return;
                }
            }
        } catch (IOException gone) {
            scheduler.cancel(job); // the client disconnected: free its row
        }
    }

    private ObjectNode chunk(
            Head h,
            String object,
            boolean chat,
            String text,
            boolean first,
            String finishReason,
            boolean includeUsage) {
        ObjectNode c = head(h, object);
        ObjectNode choice = c.putArray("choices").addObject();
        choice.put("index", 0);
        if (chat) {
            ObjectNode delta = choice.putObject("delta");
            if (first) delta.put("role", "assistant");
            delta.put("content", text);
        } else {
            choice.put("text", text);
        }
        choice.putNull("logprobs");
        if (finishReason == null) choice.putNull("finish_reason");
        else choice.put("finish_reason", finishReason);
        if (includeUsage) c.putNull("usage");
        return c;
    }

    /** What every response and chunk of one request starts with; {@code model} as the request named it. */
    private record Head(String id, long created, String model) {}

    private static ObjectNode head(Head h, String object) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("id", h.id());
        body.put("object", object);
        body.put("created", h.created());
        body.put("model", h.model());
        return body;
    }

    private static ObjectNode usage(Job.Done d) {
        ObjectNode u = JsonNodeFactory.instance.objectNode();
        u.put("prompt_tokens", d.promptTokens());
        u.put("completion_tokens", d.completionTokens());
        u.put("total_tokens", d.promptTokens() + d.completionTokens());
        return u;
    }

    private static void send(OutputStream out, ObjectNode event) throws IOException {
        out.write(("data: " + Json.line(event) + "\n\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private static ApiException serverError(Job.Failed failed) {
        return new ApiException(500, failed.message(), "server_error", null, null);
    }

    private void log(Job job, CharSequence completion) {
        if (!logRequests) return;
        String prompt = model.model().tokenizer().decode(job.prompt(), false);
        System.err.println("forja: prompt " + Json.line(JsonNodeFactory.instance.textNode(prompt)) + " completion "
                + Json.line(JsonNodeFactory.instance.textNode(completion.toString())));
    }
}
