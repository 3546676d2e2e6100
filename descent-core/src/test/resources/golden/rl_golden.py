"""Golden values for dev.descent.rl (RlLossTest, RlAdvantagesTest), computed independently with torch.

The policy loss re-implements the formulas of TRL's GRPOTrainer._compute_loss
(huggingface/trl @ f2cd57710ae345ea6428ae95363267fcf38a3dc8): token-level ratio, two-sided clip,
k3 KL, and the grpo / bnpo / dr_grpo / dapo reductions; the gradient comes from torch.autograd.
The advantages re-implement its group normalisation (nanstd with Bessel's correction, + 1e-4),
the entropy mask its get_high_entropy_mask (torch.quantile). GAE and the value loss follow verl's
compute_gae_advantage_return / compute_value_loss (volcengine/verl @ b178a3cd56f58b2d502255daba591e92833930a7).
Everything in float64 so the Java double-precision code can be compared to ~1e-12.
Run: /usr/bin/python3 rl_golden.py   (torch 1.13)
"""
import torch

torch.set_printoptions(precision=17)
D = torch.float64

logp = torch.tensor([[-1.0, -0.5, -2.0, -0.3, -1.2],
                     [-0.7, -1.5, -0.2, -0.9, -0.4],
                     [-2.2, -0.1, -0.8, -1.1, -0.6]], dtype=D)
old = torch.tensor([[-1.5, -0.45, -1.5, -0.3, -0.2],
                    [-0.2, -1.6, -0.7, -0.1, -0.4],
                    [-2.0, -0.6, -0.3, -1.0, -0.9]], dtype=D)
ref = torch.tensor([[-1.1, -0.6, -1.8, -0.5, -1.0],
                    [-0.9, -1.2, -0.4, -0.8, -0.3],
                    [-2.0, -0.3, -0.5, -1.4, -0.7]], dtype=D)
mask = torch.tensor([[1, 1, 1, 1, 0],
                     [1, 1, 1, 0, 0],
                     [1, 1, 1, 1, 1]], dtype=D)
adv = torch.tensor([0.8, -1.3, 0.5], dtype=D)
policy_mask = torch.tensor([[1, 0, 1, 1, 0],
                            [1, 1, 0, 0, 0],
                            [0, 1, 1, 1, 1]], dtype=D)


def trl_loss(loss_type, eps_low, eps_high, beta, max_len, num_items, pmask=None):
    lp = logp.clone().requires_grad_(True)
    a = adv.unsqueeze(1)
    coef_1 = torch.exp(lp - old)
    coef_2 = torch.clamp(coef_1, 1 - eps_low, 1 + eps_high)
    per_token_loss = -torch.min(coef_1 * a, coef_2 * a)
    if pmask is not None:
        per_token_loss = per_token_loss * pmask
    kl = torch.exp(ref - lp) - (ref - lp) - 1
    if beta != 0.0:
        per_token_loss = per_token_loss + beta * kl
    if loss_type == "grpo":
        loss = ((per_token_loss * mask).sum(-1) / mask.sum(-1).clamp(min=1.0)).mean()
    elif loss_type == "bnpo":
        loss = (per_token_loss * mask).sum() / mask.sum().clamp(min=1.0)
    elif loss_type == "dr_grpo":
        loss = (per_token_loss * mask).sum() / (per_token_loss.size(0) * max_len)
    elif loss_type == "dapo":
        loss = (per_token_loss * mask).sum() / torch.tensor(num_items, dtype=D).clamp(min=1.0)
    loss.backward()
    low = ((coef_1 < 1 - eps_low) & (a < 0)).to(D)
    high = ((coef_1 > 1 + eps_high) & (a > 0)).to(D)
    m = lambda x: ((x * mask).sum() / mask.sum()).item()
    return loss.item(), lp.grad, m(low), m(high), m(torch.maximum(low, high)), m(kl.detach())


def show(name, *args, **kw):
    loss, grad, low, high, region, kl = trl_loss(*args, **kw)
    print(f"{name}: loss = {loss!r}")
    print(f"  grad = {[[float(x) for x in row] for row in grad]}")
    print(f"  clip low = {low!r} high = {high!r} region = {region!r} kl = {kl!r}")


print("# policy loss, eps_low 0.2, eps_high 0.28, beta 0.04, max_completion_length 6, num_items 12")
for t in ["grpo", "bnpo", "dr_grpo", "dapo"]:
    show(t, t, 0.2, 0.28, 0.04, 6, 12.0)
print("# beta 0, symmetric eps 0.2, max_completion_length = T = 5, dapo over a global batch of 30 tokens")
for t in ["grpo", "bnpo", "dr_grpo"]:
    show(t + " beta0", t, 0.2, 0.2, 0.0, 5, 12.0)
show("dapo beta0 global30", "dapo", 0.2, 0.2, 0.0, 5, 30.0)
print("# with a policy (entropy) mask, bnpo, beta 0.04")
show("bnpo pmask", "bnpo", 0.2, 0.28, 0.04, 6, 12.0, pmask=policy_mask)


def nanstd(x, dim=None):
    mean = torch.nanmean(x, dim=dim, keepdim=True)
    var = torch.nanmean((x - mean) ** 2, dim=dim, keepdim=True)
    count = torch.sum(~torch.isnan(x), dim=dim, keepdim=True)
    var = var * count / (count - 1)
    return torch.sqrt(var).squeeze() if dim is None else torch.sqrt(var).squeeze(dim)


rewards = torch.tensor([1.0, 0.0, 0.0, 1.0, 0.5, 0.5, 0.5, 0.5, 2.0, 0.0, 1.0, 0.0], dtype=D)
G = 4
mean_g = rewards.view(-1, G).mean(dim=1).repeat_interleave(G)
std_g = nanstd(rewards.view(-1, G), dim=1).repeat_interleave(G)
std_b = nanstd(rewards).expand_as(rewards)
print("# advantages, rewards", rewards.tolist(), "groups of", G)
print("group =", ((rewards - mean_g) / (std_g + 1e-4)).tolist())
print("batch =", ((rewards - mean_g) / (std_b + 1e-4)).tolist())
print("none  =", (rewards - mean_g).tolist())
print("frac_zero_std group =", torch.isclose(std_g, torch.zeros_like(std_g)).to(D).mean().item())

entropies = torch.tensor([[0.3, 1.2, 0.05, 2.0, 9.0],
                          [0.7, 0.7, 1.5, 9.0, 9.0],
                          [0.1, 0.9, 2.5, 0.4, 1.1]], dtype=D)
for rho in [0.2, 0.5, 1.0]:
    local = entropies[mask.bool()]
    thr = torch.quantile(local, 1 - rho)
    em = ((entropies * mask) >= thr) & mask.bool()
    print(f"entropy mask rho {rho}: threshold {thr.item()!r} mask {em.int().tolist()}")

# GAE (verl) on token rewards: reward on the last unmasked token of each row
tr = torch.tensor([[0, 0, 0, 1.0, 0], [0, 0, -0.5, 0, 0], [0.1, 0, 0, 0, 2.0]], dtype=D)
values = torch.tensor([[0.2, 0.4, 0.1, 0.6, 0.3], [0.5, -0.2, 0.3, 0.9, 0.0], [0.0, 0.7, 0.2, 0.4, 1.1]], dtype=D)
for gamma, lam in [(1.0, 1.0), (0.9, 0.8)]:
    nextvalues, lastgaelam, rev = 0, 0, []
    for t in reversed(range(tr.shape[1])):
        delta = tr[:, t] + gamma * nextvalues - values[:, t]
        lg = delta + gamma * lam * lastgaelam
        nextvalues = values[:, t] * mask[:, t] + (1 - mask[:, t]) * nextvalues
        lastgaelam = lg * mask[:, t] + (1 - mask[:, t]) * lastgaelam
        rev.append(lastgaelam)
    advs = torch.stack(rev[::-1], dim=1)
    rets = advs + values
    mm = (advs * mask).sum() / (mask.sum() + 1e-8)
    var = (((advs - mm) ** 2) * mask).sum() / (mask.sum() + 1e-8) * (mask.sum() / (mask.sum() - 1))
    wh = (advs - mm) * torch.rsqrt(var + 1e-8)
    print(f"gae gamma {gamma} lam {lam}: adv {advs.tolist()}")
    print(f"  returns {rets.tolist()}")
    print(f"  whitened {wh.tolist()}")

vp = torch.tensor([[0.5, 0.1, 0.9, 0.2, 0.0], [0.35, 0.4, -0.6, 0.0, 0.0], [0.15, 0.45, 0.6, 0.1, 1.6]], dtype=D, requires_grad=True)
rets = torch.tensor([[1.0, 1.0, 1.0, 1.0, 0], [-0.5, -0.5, -0.5, 0, 0], [2.1, 2.0, 2.0, 2.0, 2.0]], dtype=D)
cr = 0.2
vclip = torch.max(torch.min(vp, values + cr), values - cr)
l1 = (vp - rets) ** 2
l2 = (vclip - rets) ** 2
vf = 0.5 * (torch.max(l1, l2) * mask).sum() / mask.sum()
vf.backward()
print(f"value loss {vf.item()!r} clipfrac {((l2 > l1).to(D) * mask).sum().item() / (mask.sum().item() + 1e-8)!r}")
print(f"  grad {vp.grad.tolist()}")
