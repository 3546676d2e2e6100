package dev.descent.zo;

import dev.descent.optim.HyperParams;
import dev.descent.optim.HyperSpec;
import dev.descent.optim.SgdHyper;

/** Hyperparameters of {@code zo_sgd}: the SPSA estimator's and torch SGD's on the estimate ({@link SgdHyper}). */
public record ZoSgdHyper(SpsaHyper spsa, SgdHyper sgd) {
    public static final ZoSgdHyper DEFAULTS = new ZoSgdHyper(SpsaHyper.DEFAULTS, SgdHyper.DEFAULTS);
    public static final HyperSpec<ZoSgdHyper> SPEC = new HyperSpec<>(SpsaHyper.with(SgdHyper.SPEC.fields()), ZoSgdHyper::from);

    public ZoSgdHyper {
        java.util.Objects.requireNonNull(spsa, "spsa");
        java.util.Objects.requireNonNull(sgd, "sgd");
    }

    public static ZoSgdHyper from(HyperParams h) {
        return new ZoSgdHyper(SpsaHyper.from(h), SgdHyper.from(h));
    }
}
