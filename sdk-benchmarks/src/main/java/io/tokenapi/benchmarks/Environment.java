package io.tokenapi.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** The machine and JVM a run happened on, for the results files. */
final class Environment {

  private Environment() {}

  static String describe() {
    return "- CPUs (available processors): "
        + Runtime.getRuntime().availableProcessors()
        + "\n"
        + "- CPU model: "
        + procLine("/proc/cpuinfo", "model name").orElse("unknown")
        + "\n"
        + "- Memory: "
        + procLine("/proc/meminfo", "MemTotal").orElse("unknown")
        + "\n"
        + "- JDK: "
        + System.getProperty("java.vm.name")
        + " "
        + System.getProperty("java.runtime.version")
        + " ("
        + System.getProperty("java.vendor")
        + ")\n"
        + "- OS: "
        + System.getProperty("os.name")
        + " "
        + System.getProperty("os.version")
        + " "
        + System.getProperty("os.arch")
        + "\n";
  }

  private static Optional<String> procLine(String file, String key) {
    try {
      List<String> lines = Files.readAllLines(Path.of(file));
      return lines.stream()
          .filter(line -> line.startsWith(key))
          .map(line -> line.substring(line.indexOf(':') + 1).trim())
          .findFirst();
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }
}
