package dev.descent.rl;

import dev.descent.autograd.NoGrad;
import dev.descent.autograd.Variable;
import dev.descent.nn.Gpt;
import dev.descent.nn.Linear;
import dev.descent.nn.Module;
import dev.descent.tensor.Philox;
import dev.descent.tensor.Tensor;

/**
 * PPO's critic: a GPT trunk and a linear value head on its final hidden state, one value per token.
 * Open-Reasoner-Zero trains a separate critic model initialised from the same base model as the
 * policy (Hu et al. 2025, Open-Reasoner-Zero, §2.2; its trainer is OpenRLHF's), so here the trunk is
 * a trainable copy of the initial policy ({@link #of}) that shares nothing with it, and the head is
 * a bias-free {@code Linear(C, 1)} with weights N(0, (1/(C + 1))²), as OpenRLHF initialises its value
 * head. The value of completion token t is read from the hidden state at position t − 1, the state
 * from which the policy sampled token t (verl's {@code values[:, -response_length - 1:-1]}).
 */
public final class ValueModel extends Module {
    private final Gpt trunk;
    private final Linear head;

    private ValueModel(Gpt trunk, long seed) {
        this.trunk = module("trunk", trunk);
        int c = trunk.config().nEmbd();
        this.head = module("value_head", new Linear(c, 1, false));
        Tensor w = head.weight.value();
        Philox.stream(seed, "rl/value_head").fillGaussian(w.data(), w.offset(), w.size(), 0);
        dev.descent.tensor.Elementwise.scale((float) (1.0 / (c + 1)), w.data(), w.offset(), w.size());
    }

    /** A critic whose trunk starts as a copy of {@code policy} (its own, trainable parameters). */
    public static ValueModel of(Gpt policy, long seed) {
        Gpt copy = new Gpt(policy.config(), 0);
        var source = policy.parameters();
        for (var e : copy.namedParameters().entrySet()) {
            Tensor to = e.getValue().value();
            Tensor from = source.get(e.getKey()).value();
            System.arraycopy(from.data(), from.offset(), to.data(), to.offset(), from.size());
        }
        return new ValueModel(copy, seed);
    }

    /** Per-position values {@code [B·T]} (position t's value is the head on the hidden state at t), with the tape. */
    public Variable positionValues(int[] tokens, int batch, int t) {
        Variable h = trunk.hiddenStates(tokens, batch, t, null);
        return dev.descent.autograd.F.linear(h, head.weight, null);
    }

    /**
     * The value of each scored token {@code [B, T]}: V_bt = position value at t − 1 where the mask is 1,
     * 0 elsewhere (as {@link dev.descent.nn.SequenceLogProbs} scores token t from row t − 1).
     */
    public static double[] tokenValues(float[] positionValues, float[] mask, int batch, int t) {
        double[] out = new double[batch * t];
        for (int i = 0; i < out.length; i++) if (mask[i] != 0f && i % t != 0) out[i] = positionValues[i - 1];
        return out;
    }

    /** {@link #tokenValues} without a tape. */
    public double[] values(int[] tokens, float[] mask, int batch, int t) {
        try (NoGrad ignored = NoGrad.open()) {
            Tensor v = positionValues(tokens, batch, t).value();
            float[] pos = java.util.Arrays.copyOfRange(v.data(), v.offset(), v.offset() + v.size());
            return tokenValues(pos, mask, batch, t);
        }
    }

    /**
     * The clipped value loss ({@link ValueLoss}) at the current parameters as an autograd scalar:
     * its backward adds ∂L/∂v into the position values (token t's gradient goes to row t − 1).
     */
    public ValueLoss.Result lossAndBackward(int[] tokens, float[] mask, int batch, int t, double[] oldValues, double[] returns, double clipRange) {
        Variable pos = positionValues(tokens, batch, t);
        Tensor v = pos.value();
        float[] raw = java.util.Arrays.copyOfRange(v.data(), v.offset(), v.offset() + v.size());
        ValueLoss.Result r = ValueLoss.evaluate(tokenValues(raw, mask, batch, t), oldValues, returns, mask, clipRange);
        Variable loss = Variable.result(Tensor.scalar((float) r.loss()), g -> {
            float gv = g.get(0);
            Tensor grad = pos.gradForUpdate();
            for (int i = 0; i < raw.length; i++) {
                if (mask[i] != 0f && i % t != 0) grad.data()[grad.offset() + i - 1] += (float) (gv * r.grad()[i]);
            }
        }, pos);
        loss.backward();
        return r;
    }

    public Gpt trunk() { return trunk; }
}
