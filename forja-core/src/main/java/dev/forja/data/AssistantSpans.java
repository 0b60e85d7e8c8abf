package dev.forja.data;

import dev.forja.ForjaException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Splits a rendered conversation into prompt and assistant spans, with exact boundaries taken from the template
 * itself rather than from guesses about its format.
 *
 * <p>For each assistant message k the template is rendered twice: messages [0, k) with the generation prompt, and
 * messages [0, k] without. The second begins with the first (templates are append-only), so what it adds is exactly
 * what the model must write for turn k: the content plus the template's end-of-turn token ({@code <|im_end|>},
 * {@code <|eot_id|>}, {@code </s>}). Whitespace the template puts after that end token (ChatML's newline) is not a
 * target: at inference generation stops at the end token. Text between assistant turns (system, user, headers) is
 * never a target.
 *
 * <p>A template that is not append-only (it rewrites earlier turns depending on later ones, as Qwen3 does with
 * reasoning) falls back to finding each assistant content, in order, in the full rendering; then the span is the
 * content plus an end token directly after it. Each search starts after the previous assistant turn, so the
 * fallback can only be misled by a user turn that quotes the following assistant answer verbatim.
 */
final class AssistantSpans {

    private final ChatTemplate template;
    private final Collection<String> specialTokens;

    /** @param specialTokens the tokenizer's special-token strings, to recognise end-of-turn tokens */
    AssistantSpans(ChatTemplate template, Collection<String> specialTokens) {
        this.template = template;
        this.specialTokens = specialTokens;
    }

    List<Span> spans(List<Message> messages) {
        List<Span> spans = new ArrayList<>();
        String done = "";
        for (int k = 0; k < messages.size(); k++) {
            if (!messages.get(k).isAssistant()) {
                continue;
            }
            String before = template.render(messages.subList(0, k), true);
            String after = template.render(messages.subList(0, k + 1), false);
            if (!before.startsWith(done) || !after.startsWith(before)) {
                return bySearch(messages);
            }
            spans.add(new Span(before.substring(done.length()), false));
            addTurn(spans, after.substring(before.length()));
            done = after;
        }
        String full = template.render(messages, false);
        if (!full.startsWith(done)) {
            return bySearch(messages);
        }
        spans.add(new Span(full.substring(done.length()), false));
        return spans;
    }

    /** An assistant turn: trainable up to its last end token, trailing whitespace after that token not. */
    private void addTurn(List<Span> spans, String turn) {
        String core = turn.stripTrailing();
        if (core.length() < turn.length() && endsWithSpecial(core) >= 0) {
            spans.add(new Span(core, true));
            spans.add(new Span(turn.substring(core.length()), false));
        } else {
            spans.add(new Span(turn, true));
        }
    }

    private List<Span> bySearch(List<Message> messages) {
        String full = template.render(messages, false);
        List<Span> spans = new ArrayList<>();
        int cursor = 0;
        for (Message m : messages) {
            if (!m.isAssistant()) {
                continue;
            }
            String content = m.content().strip();
            int at = full.indexOf(content, cursor);
            if (at < 0 || content.isEmpty()) {
                throw new ForjaException("cannot find assistant message \"" + abbreviate(content)
                        + "\" in the chat template's rendering; the template drops or rewrites it");
            }
            int end = at + content.length();
            int next = end;
            while (next < full.length() && Character.isWhitespace(full.charAt(next))) {
                next++;
            }
            for (String token : specialTokens) {
                if (!token.isEmpty() && full.startsWith(token, next)) {
                    end = next + token.length();
                    break;
                }
            }
            spans.add(new Span(full.substring(cursor, at), false));
            spans.add(new Span(full.substring(at, end), true));
            cursor = end;
        }
        spans.add(new Span(full.substring(cursor), false));
        return spans;
    }

    private int endsWithSpecial(String text) {
        for (String token : specialTokens) {
            if (!token.isEmpty() && text.endsWith(token)) {
                return text.length() - token.length();
            }
        }
        return -1;
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 37) + "...";
    }
}
