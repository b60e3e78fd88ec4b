package org.opendmp.jobs.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import org.opendmp.common.DmpException;
import org.opendmp.jobs.JobRegistry;
import org.opendmp.jobs.JobSpec;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code dmp jobs}: the registry, in nightly order, with what each job reads and writes. {@code --format json} is
 * what the Airflow DAG reads ({@code airflow/dags/dmp_jobs.json}, regenerated with
 * {@code bin/dmp jobs --format json > airflow/dags/dmp_jobs.json}).
 */
@Command(
    name = "jobs",
    mixinStandardHelpOptions = true,
    description = "List the nightly jobs in the order 'nightly' runs them, with their inputs and outputs.")
final class JobsCommand implements Runnable {
  enum Format { text, json }

  @CommandLine.Option(names = "--names", description = "Print only the job names, one per line.")
  boolean namesOnly;

  @CommandLine.Option(
      names = "--format",
      paramLabel = "FORMAT",
      description = "text (default) or json: one object per job (name, stage, description, inputs, outputs), in order.")
  Format format = Format.text;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    PrintWriter out = spec.commandLine().getOut();
    if (format == Format.json && !namesOnly) {
      out.print(json());
      out.flush();
      return;
    }
    for (JobSpec j : JobRegistry.all()) {
      if (namesOnly) {
        out.println(j.name());
        continue;
      }
      out.printf("%-22s %-9s %s%n", j.name(), j.stage(), j.description());
      out.printf("%-22s %-9s   in:  %s%n", "", "", String.join(", ", j.inputs()));
      out.printf("%-22s %-9s   out: %s%n", "", "", String.join(", ", j.outputs()));
    }
  }

  /** The registry as pretty JSON with a final newline: stable text, so a committed copy can be compared. */
  static String json() {
    ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    ArrayNode jobs = mapper.createArrayNode();
    for (JobSpec j : JobRegistry.all()) {
      ObjectNode o = jobs.addObject();
      o.put("name", j.name());
      o.put("stage", j.stage());
      o.put("description", j.description());
      ArrayNode inputs = o.putArray("inputs");
      j.inputs().forEach(inputs::add);
      ArrayNode outputs = o.putArray("outputs");
      j.outputs().forEach(outputs::add);
      ArrayNode waits = o.putArray("waits_for"); // earlier jobs of its stage it must follow (dmp nightly's rule)
      JobRegistry.waitsFor(JobRegistry.all(), j).forEach(w -> waits.add(w.name()));
    }
    try {
      return mapper.writeValueAsString(jobs).replace("\r\n", "\n") + "\n";
    } catch (JsonProcessingException e) {
      throw new DmpException("Cannot write the job registry as JSON: " + e.getOriginalMessage(), e);
    }
  }
}
