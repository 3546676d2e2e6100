package dev.descent.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.descent.optim.HyperField;
import dev.descent.optim.HyperTable;
import dev.descent.optim.OptimizerInfo;
import dev.descent.optim.OptimizerRegistry;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code descent optimizers}: every registered optimizer with its paper, reference implementation, state
 * size and hyperparameter defaults; {@code --markdown} prints the table of hyperparameters that
 * docs/optimizers.md holds.
 */
@Command(name = "optimizers", mixinStandardHelpOptions = true,
        description = "List the registered optimizers: paper, reference implementation and its license, state bytes per parameter, "
                + "hyperparameter defaults.")
final class OptimizersCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--json", description = "a JSON array instead of text")
    boolean json;

    @Option(names = "--markdown", description = "the table of every optimizer's hyperparameters (default, allowed values, meaning) in Markdown")
    boolean markdown;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        var all = OptimizerRegistry.defaults().all();
        if (markdown) {
            out.print(HyperTable.markdown(all));
        } else if (json) {
            ArrayNode a = new ObjectMapper().createArrayNode();
            for (OptimizerInfo i : all) {
                ObjectNode n = a.addObject();
                n.put("name", i.name());
                n.put("summary", i.summary());
                n.put("paper", i.paper());
                n.put("reference", i.reference());
                n.put("license", i.license());
                n.put("stateBytesPerParam", 4 * i.stateFloatsPerParam());
                n.put("matrixAware", i.matrixAware());
                ArrayNode hyper = n.putArray("hyperparameters");
                for (HyperField<?> f : i.factory().hyperparameters()) {
                    hyper.addObject().put("name", f.name()).put("type", f.type()).put("default", f.defaultText()).put("allowed", f.allowed()).put("doc", f.doc());
                }
            }
            out.println(a.toString());
        } else if (all.isEmpty()) {
            out.println("no optimizer is registered");
        } else {
            int width = 4;
            for (OptimizerInfo i : all) width = Math.max(width, i.name().length());
            for (OptimizerInfo i : all) {
                String indent = " ".repeat(width + 2);
                out.printf("%-" + width + "s  %s%n", i.name(), i.summary());
                out.println(indent + "paper:      " + i.paper());
                out.println(indent + "reference:  " + i.reference() + " (license: " + i.license() + ")");
                out.println(indent + "state:      " + bytes(4 * i.stateFloatsPerParam()) + " bytes/param"
                        + (i.matrixAware() ? ", matrix-aware" : ""));
                String defaults = HyperTable.defaults(i);
                if (!defaults.isEmpty()) out.println(indent + "defaults:   " + defaults);
            }
        }
        out.flush();
        return 0;
    }

    private static String bytes(double b) {
        return b == Math.rint(b) && Math.abs(b) < 1e15 ? Long.toString((long) b) : Double.toString(b);
    }
}
