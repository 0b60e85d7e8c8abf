package dev.forja.prepare;

import dev.forja.ForjaException;
import dev.forja.io.FileHash;
import dev.forja.prepare.formats.CsvFormat;
import dev.forja.prepare.formats.Doc;
import dev.forja.prepare.formats.Format;
import dev.forja.prepare.formats.HtmlFormat;
import dev.forja.prepare.formats.InputIssues;
import dev.forja.prepare.formats.JsonFormat;
import dev.forja.prepare.formats.LineFormat;
import dev.forja.prepare.formats.PdfFormat;
import dev.forja.prepare.formats.SourceRef;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Finds the input files and streams their records. Directories are walked recursively in sorted order (so two runs
 * see the same order); include/exclude globs match the path relative to the directory, or the file name. Each file
 * is hashed (sha256) while it is read; a file that cannot be opened, or holds NUL bytes where text is expected, is
 * an {@link InputIssues issue}.
 */
public final class Ingest {
    /** One input file: its name in records and the manifest, its hash and size, how many records it gave. */
    public record SourceInfo(String name, String sha256, long bytes, long records, String skipped) {}

    /** A file found among the inputs, with the name its records carry (relative to the input it came from). */
    public record InputFile(Path path, String name) {}

    private static final List<String> TEXT_EXTENSIONS =
            List.of("txt", "md", "jsonl", "json", "csv", "tsv", "html", "htm", "pdf", "log");

    private final PrepareConfig config;
    private final InputIssues issues;

    public Ingest(PrepareConfig config, InputIssues issues) {
        this.config = config;
        this.issues = issues;
    }

    /** The files to read, in a stable order; a missing input is an error (a typo should not give an empty dataset). */
    public List<InputFile> files() {
        List<PathMatcher> include = matchers(config.include()), exclude = matchers(config.exclude());
        List<InputFile> out = new ArrayList<>();
        for (Path input : config.inputs()) {
            if (!Files.exists(input)) {
                throw new ForjaException("input not found: " + input + " (check the path)");
            }
            if (Files.isDirectory(input)) {
                String root = input.toAbsolutePath().normalize().getFileName() == null
                        ? ""
                        : input.toAbsolutePath().normalize().getFileName() + "/";
                try (Stream<Path> walk = Files.walk(input)) {
                    walk.filter(Files::isRegularFile).sorted().forEach(p -> {
                        Path rel = input.relativize(p);
                        if (wanted(rel, include, exclude)) out.add(new InputFile(p, root + slashes(rel)));
                    });
                } catch (IOException e) {
                    throw new ForjaException("cannot list " + input + ": " + e.getMessage());
                }
            } else if (wanted(input.getFileName(), include, exclude)
                    || !config.include().isEmpty()) {
                out.add(new InputFile(input, input.getFileName().toString()));
            }
        }
        return out;
    }

    /** Streams the records of one file to {@code sink}; never throws for bad content (see {@link InputIssues}). */
    public SourceInfo read(InputFile file, Consumer<Doc> sink) {
        MessageDigest sha = FileHash.sha256();
        long[] records = {0};
        String skipped = null;
        long bytes = 0;
        try (InputStream raw = Files.newInputStream(file.path());
                DigestInputStream digest = new DigestInputStream(raw, sha);
                BufferedInputStream in = new BufferedInputStream(digest, 1 << 16)) {
            String ext = extension(file.path());
            if (!ext.equals("pdf") && looksBinary(in)) {
                skipped = "binary";
                issues.report(
                        "binary_file",
                        new SourceRef(file.name(), 0, 0),
                        "binary file (NUL bytes), skipped; " + "exclude it with --exclude");
            } else {
                // Parsers close what they read; the hash still needs the rest of the stream.
                InputStream unclosable = new java.io.FilterInputStream(in) {
                    @Override
                    public void close() {}
                };
                format(ext)
                        .read(
                                unclosable,
                                file.path(),
                                file.name(),
                                d -> {
                                    records[0]++;
                                    sink.accept(d);
                                },
                                issues);
            }
            in.transferTo(java.io.OutputStream.nullOutputStream()); // finish the hash over bytes a format did not read
            bytes = Files.size(file.path());
        } catch (IOException e) {
            skipped = "unreadable";
            issues.report(
                    "unreadable",
                    new SourceRef(file.name(), 0, 0),
                    "cannot read (" + e.getMessage() + "); check its permissions");
        }
        return new SourceInfo(file.name(), HexFormat.of().formatHex(sha.digest()), bytes, records[0], skipped);
    }

    private Format format(String ext) {
        return switch (ext) {
            case "jsonl" -> new JsonFormat(true, config.textField(), config.labelField());
            case "json" -> new JsonFormat(false, config.textField(), config.labelField());
            case "csv" -> new CsvFormat(',', config.csvHeader(), config.textColumn(), config.labelColumn());
            case "tsv" -> new CsvFormat('\t', config.csvHeader(), config.textColumn(), config.labelColumn());
            case "html", "htm" -> new HtmlFormat();
            case "pdf" -> new PdfFormat();
            case "log" ->
                config.logStartPattern().isEmpty()
                        ? new LineFormat(LineFormat.Unit.LINE, null)
                        : new LineFormat(LineFormat.Unit.START_PATTERN, config.logStartPattern());
            default -> new LineFormat(LineFormat.Unit.PARAGRAPH, null);
        };
    }

    private static boolean looksBinary(BufferedInputStream in) throws IOException {
        in.mark(8192);
        byte[] head = in.readNBytes(8192);
        in.reset();
        for (byte b : head) if (b == 0) return true;
        return false;
    }

    private static boolean wanted(Path rel, List<PathMatcher> include, List<PathMatcher> exclude) {
        Path name = rel.getFileName();
        for (PathMatcher m : exclude) if (m.matches(rel) || m.matches(name)) return false;
        if (include.isEmpty()) return TEXT_EXTENSIONS.contains(extension(rel));
        for (PathMatcher m : include) if (m.matches(rel) || m.matches(name)) return true;
        return false;
    }

    private static List<PathMatcher> matchers(List<String> globs) {
        return globs.stream()
                .map(g -> FileSystems.getDefault().getPathMatcher("glob:" + g))
                .toList();
    }

    static String extension(Path p) {
        String n = p.getFileName().toString();
        int dot = n.lastIndexOf('.');
        return dot < 0 ? "" : n.substring(dot + 1).toLowerCase(Locale.ROOT);
    }

    private static String slashes(Path rel) {
        return rel.toString().replace('\\', '/');
    }
}
