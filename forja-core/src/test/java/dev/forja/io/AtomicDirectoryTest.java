package dev.forja.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.forja.ForjaException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicDirectoryTest {

    @TempDir
    Path dir;

    @Test
    void aSuccessfulWritePublishesTheDirectoryAndNoStagingDirectory() throws IOException {
        Path out = dir.resolve("nested").resolve("model");
        Path[] staging = new Path[1];
        Path written = AtomicDirectory.write(out, d -> {
            staging[0] = d;
            assertThat(out)
                    .as("nothing is visible at the target while it is written")
                    .doesNotExist();
            Files.writeString(d.resolve("config.json"), "{}");
            Files.createDirectories(d.resolve("sub"));
            Files.writeString(d.resolve("sub").resolve("weights"), "w");
        });
        assertThat(written).isEqualTo(out);
        assertThat(staging[0].getParent()).isEqualTo(out.toAbsolutePath().getParent());
        assertThat(staging[0].getFileName().toString()).startsWith(".model.tmp-");
        assertThat(Files.readString(out.resolve("config.json"))).isEqualTo("{}");
        assertThat(Files.readString(out.resolve("sub").resolve("weights"))).isEqualTo("w");
        assertThat(out.getParent().toFile().list()).containsExactly("model");
    }

    @Test
    void anEmptyTargetDirectoryIsFilled() throws IOException {
        Path out = Files.createDirectories(dir.resolve("out"));
        AtomicDirectory.write(out, d -> Files.writeString(d.resolve("a"), "1"));
        assertThat(Files.readString(out.resolve("a"))).isEqualTo("1");
    }

    @Test
    void aFailureLeavesNothingBehind() {
        Path out = dir.resolve("out");
        assertThatThrownBy(() -> AtomicDirectory.write(out, d -> {
                    Files.writeString(d.resolve("half"), "written");
                    throw new IOException("disk full");
                }))
                .isInstanceOf(ForjaException.class)
                .hasMessageContaining(out.toString())
                .hasMessageContaining("disk full");
        assertThat(dir.toFile().list()).isEmpty();

        assertThatThrownBy(() -> AtomicDirectory.write(out, d -> {
                    Files.writeString(d.resolve("half"), "written");
                    throw new IllegalStateException("killed");
                }))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("killed");
        assertThat(dir.toFile().list()).isEmpty();
    }

    @Test
    void aNonEmptyTargetIsRefusedByNameAndKept() throws IOException {
        Path out = Files.createDirectories(dir.resolve("out"));
        Files.writeString(out.resolve("mine"), "keep me");
        assertThatThrownBy(() -> AtomicDirectory.requireAbsentOrEmpty(out, "choose another --output"))
                .isInstanceOf(ForjaException.class)
                .hasMessage(out + " already exists and is not empty: choose another --output");
        assertThatThrownBy(() -> AtomicDirectory.write(out, d -> Files.writeString(d.resolve("new"), "x")))
                .isInstanceOf(ForjaException.class)
                .hasMessageContaining(out.toString())
                .hasMessageContaining("not empty");
        assertThat(out.toFile().list()).containsExactly("mine");
        assertThat(Files.readString(out.resolve("mine"))).isEqualTo("keep me");
        assertThat(dir.toFile().list()).containsExactly("out");
    }

    @Test
    void absentOrEmpty() throws IOException {
        assertThat(AtomicDirectory.isAbsentOrEmpty(dir.resolve("missing"))).isTrue();
        Path empty = Files.createDirectories(dir.resolve("empty"));
        assertThat(AtomicDirectory.isAbsentOrEmpty(empty)).isTrue();
        AtomicDirectory.requireAbsentOrEmpty(empty, "unused");
        Files.writeString(empty.resolve("f"), "");
        assertThat(AtomicDirectory.isAbsentOrEmpty(empty)).isFalse();
        assertThat(AtomicDirectory.isAbsentOrEmpty(empty.resolve("f")))
                .as("a file")
                .isFalse();
    }

    @Test
    void replaceSwapsAnExistingDirectoryOnlyOnceTheNewOneIsComplete() throws IOException {
        Path out = Files.createDirectories(dir.resolve("final"));
        Files.writeString(out.resolve("old"), "old");
        assertThatThrownBy(() -> AtomicDirectory.replace(out, d -> {
                    throw new IOException("disk full");
                }))
                .isInstanceOf(ForjaException.class);
        assertThat(out.toFile().list())
                .as("a failed replace keeps the old directory")
                .containsExactly("old");

        AtomicDirectory.replace(out, d -> Files.writeString(d.resolve("new"), "new"));
        assertThat(out.toFile().list()).containsExactly("new");
        assertThat(dir.toFile().list()).containsExactly("final");
    }

    @Test
    void deleteTreeRemovesNestedFilesAndIgnoresAMissingPath() throws IOException {
        Path tree = dir.resolve("t");
        Files.createDirectories(tree.resolve("a").resolve("b"));
        Files.writeString(tree.resolve("a").resolve("b").resolve("c"), "x");
        AtomicDirectory.deleteTree(tree);
        assertThat(tree).doesNotExist();
        AtomicDirectory.deleteTree(tree);
    }

    /** Issue 16 defect 11: createTemp* made final/ and report.html 0700 / 0600 whatever the umask said. */
    @Test
    void writtenFilesAndDirectoriesGetThePermissionsOfAPlainCreate() throws IOException {
        assumeTrue(Files.getFileAttributeView(dir, PosixFileAttributeView.class) != null, "POSIX permissions");
        Set<PosixFilePermission> plainDir = Files.getPosixFilePermissions(Files.createDirectory(dir.resolve("plain")));
        Set<PosixFilePermission> plainFile = Files.getPosixFilePermissions(Files.createFile(dir.resolve("plain.txt")));

        Path out =
                AtomicDirectory.write(dir.resolve("out"), d -> AtomicFile.writeString(d.resolve("report.html"), "r"));
        assertThat(Files.getPosixFilePermissions(out)).isEqualTo(plainDir);
        assertThat(Files.getPosixFilePermissions(out.resolve("report.html"))).isEqualTo(plainFile);
        Path replaced = AtomicDirectory.replace(dir.resolve("final"), d -> {});
        assertThat(Files.getPosixFilePermissions(replaced)).isEqualTo(plainDir);
        AtomicFile.writeString(dir.resolve("config.yaml"), "a: 1");
        assertThat(Files.getPosixFilePermissions(dir.resolve("config.yaml"))).isEqualTo(plainFile);

        // what a user sees: readable by group and others exactly when a plainly created file is
        boolean othersRead = plainFile.contains(PosixFilePermission.OTHERS_READ);
        Set<PosixFilePermission> written = Files.getPosixFilePermissions(dir.resolve("config.yaml"));
        assertThat(written.contains(PosixFilePermission.OTHERS_READ)).isEqualTo(othersRead);
    }
}
