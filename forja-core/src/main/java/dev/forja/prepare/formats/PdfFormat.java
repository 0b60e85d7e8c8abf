package dev.forja.prepare.formats;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.function.Consumer;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.text.PDFTextStripper;

/**
 * {@code .pdf}: one record per page with text, read by PDFBox from the file (random access, so a large PDF is not
 * loaded whole). Scanned pages without a text layer yield nothing; OCR is out of scope.
 */
public final class PdfFormat implements Format {
    @Override
    public void read(InputStream in, Path file, String name, Consumer<Doc> sink, InputIssues issues)
            throws IOException {
        try (PDDocument doc = Loader.loadPDF(file.toFile())) {
            PDFTextStripper stripper = new PDFTextStripper();
            stripper.setSortByPosition(true);
            int pages = doc.getNumberOfPages();
            for (int page = 1; page <= pages; page++) {
                stripper.setStartPage(page);
                stripper.setEndPage(page);
                String text = stripper.getText(doc).strip();
                if (!text.isEmpty()) sink.accept(new Doc(text, null, null, new SourceRef(name, 0, page)));
            }
        } catch (org.apache.pdfbox.pdmodel.encryption.InvalidPasswordException e) {
            issues.report("unreadable", new SourceRef(name, 0, 0), "encrypted PDF; decrypt it first (qpdf --decrypt)");
        }
    }
}
