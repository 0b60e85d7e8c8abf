package dev.forja.prepare.formats;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Set;
import java.util.function.Consumer;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.jsoup.nodes.Node;
import org.jsoup.nodes.TextNode;

/**
 * {@code .html}/{@code .htm}: the visible text of the page as one record, blocks separated by line breaks, with the
 * boilerplate that is not content (scripts, styles, navigation, headers, footers, forms, asides) left out.
 * The whole page is parsed in memory, as HTML pages are small.
 */
public final class HtmlFormat implements Format {
    private static final String BOILERPLATE = "script, style, noscript, template, nav, header, footer, aside, form, "
            + "iframe, svg, button, select, [hidden], [aria-hidden=true]";
    private static final Set<String> BLOCKS = Set.of(
            "p",
            "div",
            "br",
            "li",
            "h1",
            "h2",
            "h3",
            "h4",
            "h5",
            "h6",
            "tr",
            "table",
            "section",
            "article",
            "main",
            "blockquote",
            "pre",
            "ul",
            "ol",
            "dd",
            "dt",
            "title");

    @Override
    public void read(InputStream in, Path file, String name, Consumer<Doc> sink, InputIssues issues)
            throws IOException {
        Document doc = Jsoup.parse(in, "UTF-8", "");
        doc.select(BOILERPLATE).remove();
        Element body = doc.body() != null ? doc.body() : doc;
        StringBuilder out = new StringBuilder();
        text(body, out);
        String text = out.toString().replaceAll("[ \\t]*\\n[ \\t\\n]*", "\n").strip();
        if (text.isEmpty()) {
            issues.report("empty_file", new SourceRef(name, 0, 0), "HTML page without visible text");
            return;
        }
        sink.accept(new Doc(text, null, null, new SourceRef(name, 0, 0)));
    }

    private static void text(Node node, StringBuilder out) {
        for (Node child : node.childNodes()) {
            if (child instanceof TextNode t) {
                String s = t.getWholeText().replaceAll("\\s+", " ");
                if (out.length() > 0 && out.charAt(out.length() - 1) == '\n') s = s.stripLeading();
                out.append(s);
            } else if (child instanceof Element e) {
                boolean block = BLOCKS.contains(e.normalName());
                if (block) out.append('\n');
                text(e, out);
                if (block) out.append('\n');
            }
        }
    }
}
