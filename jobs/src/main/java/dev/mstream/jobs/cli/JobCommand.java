package dev.mstream.jobs.cli;

import dev.mstream.jobs.MStreamJob;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Unmatched;

@Command(
    name = "job",
    mixinStandardHelpOptions = true,
    description =
        "Run the job itself (what `flink run -c dev.mstream.jobs.MStreamJob` runs), taking"
            + " --mstream.key value arguments.")
final class JobCommand implements Callable<Integer> {

  @Unmatched List<String> args = new ArrayList<>();

  @Override
  public Integer call() throws Exception {
    MStreamJob.main(args.toArray(new String[0]));
    return 0;
  }
}
