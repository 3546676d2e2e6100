"""Golden values for LENS, DCPO, GTPO and PACS (descent-core GrpoFamilyTest), computed independently
in float64 with torch 1.13 from the formulas of the papers' reference code (each written here from
the equations, vectorised the way the references are, not from the Java code).

Run: python3 bench/golden/grpo_family_golden.py   (prints the values the test copies)
"""
import math
import torch

torch.set_printoptions(precision=17)
D = torch.float64

# one tiny batch: B = 6 completions = 2 groups of G = 3, T = 4 positions
B, T, G = 6, 4, 3
LOGP = torch.tensor([[-1.0, -0.5, -2.0, -0.3], [-1.2, -0.7, -1.5, -0.2], [-0.9, -0.4, -2.2, -0.1],
                     [-0.8, -1.1, -0.6, -1.3], [-0.25, -0.05, -1.7, -0.9], [-0.6, -2.5, -0.35, -1.0]], dtype=D)
OLD = torch.tensor([[-1.5, -0.45, -1.5, -0.3], [-0.2, -0.2, -1.6, -0.7], [-0.1, -0.4, -2.0, -0.6],
                    [-0.3, -1.0, -0.9, -1.1], [-1.75, -0.1, -1.2, -0.8], [-0.65, -2.4, -0.3, -1.2]], dtype=D)
MASK = torch.tensor([[1, 1, 1, 1], [1, 1, 1, 0], [1, 1, 0, 0],
                     [1, 1, 1, 1], [1, 1, 1, 0], [1, 1, 1, 1]], dtype=D)
ADV = torch.tensor([0.8, -1.3, 0.5, -0.7, 1.1, 0.0], dtype=D)


def show(name, x):
    if isinstance(x, torch.Tensor):
        print(name, "=", [float(v) for v in x.flatten()])
    else:
        print(name, "=", float(x))


# ---------------- DCPO: dynamic clip (lime-RL/DCPO get_clip_low_high + compute_policy_loss_dcpo, clip_type dynamic)
def dcpo_loss(eps_low, eps_high, c):
    lp = LOGP.clone().requires_grad_(True)
    ratio = torch.exp(lp - OLD)
    q = torch.exp(OLD)
    low = (1 + torch.sqrt(torch.clamp(1 - 4 * eps_low / q, min=0))) / 2
    high = torch.clamp((1 + torch.sqrt(1 + 4 * eps_high / q)) / 2, max=max(c, 10))
    a = ADV.unsqueeze(1).expand(B, T)
    l1 = -a * ratio
    l2 = -a * torch.maximum(torch.minimum(ratio, high), low)
    clip1 = torch.maximum(l1, l2)
    l3 = -a * c
    per_token = torch.where(a < 0, torch.minimum(l3, clip1), clip1)
    loss = (per_token * MASK).sum() / MASK.sum()  # token mean over the batch (only-token-mean / dapo)
    loss.backward()
    return loss, lp.grad


loss, grad = dcpo_loss(0.2, 0.28, 3.0)
show("dcpo_loss", loss)
show("dcpo_grad", grad)

# ---------------- DCPO: smooth advantage standardization over two rounds (compute_dcpo_outcome_advantage + get_mean_std)
def sas(rounds):
    hist = {}
    out = []
    for prompts, rewards in rounds:
        r = torch.tensor(rewards, dtype=D).view(len(prompts), -1)
        adv = []
        for p, row in zip(prompts, r):
            k, om, os_ = hist.get(p, (0, 0.0, 0.0))
            m, s = row.mean(), row.std()
            if k == 0:
                cm, cs = m, s
            else:
                cm = (om * k + m) / (k + 1)
                cs = torch.sqrt((k * os_ ** 2 + s ** 2 + k / (k + 1) * (m - om) ** 2) / (k + 1))
            zn = (row - m) / s if s > 0 else torch.zeros_like(row)
            zo = (row - cm) / cs if cs > 0 else torch.zeros_like(row)
            a1 = zo / (k + 1) + (1 - 1 / (k + 1)) * zn
            a2 = zn / (k + 1) + (1 - 1 / (k + 1)) * zo
            adv.append(torch.where(a1.abs() < a2.abs(), a1, a2))
            hist[p] = (k + 1, cm, cs)
        out.append(torch.cat(adv))
    return out


r1, r2, r3 = sas([(["a", "b"], [1, 0, 0, 1, 1, 1]), (["a", "c"], [1, 1, 1, 0, 1, 0]), (["a", "c"], [0, 1, 1, 1, 1, 1])])
show("sas_round1", r1)
show("sas_round2", r2)
show("sas_round3", r3)

# ---------------- LENS: confidence-penalised incorrect rewards, then TRL's group advantages (std + 1e-4)
REWARDS = torch.tensor([1.0, 0.0, 0.0, 0.0, 0.0, 0.0], dtype=D)
mean_lp = (OLD * MASK).sum(1) / MASK.sum(1)
lens_r = torch.where(REWARDS <= 0, REWARDS - 0.5 * torch.exp(mean_lp), REWARDS)
g = lens_r.view(-1, G)
lens_adv = ((g - g.mean(1, keepdim=True)) / (g.std(1, keepdim=True) + 1e-4)).flatten()
show("lens_rewards", lens_r)
show("lens_adv", lens_adv)

# ---------------- PACS (ritzz-ai/PACS compute_pacs_loss: reward_method 1, rloo, use_weight, weight_mode question)
def pacs(beta, labels):
    lp = LOGP.clone().requires_grad_(True)
    psi = beta * ((lp - OLD) * MASK).sum(-1, keepdim=True)
    rr = psi.view(-1, G, 1)
    adv = (rr - (rr.sum(1, keepdim=True) - rr) / (G - 1)).view(-1, 1)
    w = torch.ones(B, dtype=D)
    for i in range(0, B, G):
        chunk = labels[i:i + G].tolist()
        classes = sorted(set(chunk))
        if len(classes) > 1:
            for j, y in enumerate(chunk):
                w[i + j] = G / (len(classes) * chunk.count(y))  # sklearn's "balanced"
    crit = torch.nn.BCEWithLogitsLoss(weight=w.view(-1, 1))
    loss = crit(adv, labels.view(-1, 1))
    loss.backward()
    return loss, lp.grad


PACS_LABELS = torch.tensor([1.0, 0.0, 0.0, 1.0, 1.0, 1.0], dtype=D)
loss, grad = pacs(2.0, PACS_LABELS)
show("pacs_loss", loss)
show("pacs_grad", grad)

# ---------------- GTPO (winstonsmith1897/GTPO build_conflict_mask + entropy shaping + gtpo_compute_loss)
TOKENS = torch.tensor([[3, 5, 7, 2], [3, 5, 8, 0], [3, 6, 0, 0],
                       [4, 1, 2, 2], [4, 1, 2, 0], [9, 1, 1, 2]])
GT_ADV = torch.tensor([0.9, -0.6, -0.3, -0.5, 0.7, 0.4], dtype=D)
ENT = torch.tensor([0.2, 0.5, 0.9, 0.3, 0.1, 0.6], dtype=D)  # mean token entropies
W_RAW, THR, SCALE = 2.0, 0.7, 0.1


def conflicts(ids, msk, pos, neg, from_end):
    Gg, L = ids.shape
    lens = msk.sum(1).long()
    out = torch.zeros(Gg, L, dtype=torch.bool)
    for b in range(Gg):
        for s in range(int(lens[b])):
            k = int(lens[b]) - 1 - s if from_end else s
            same = [j for j in range(Gg) if s < int(lens[j]) and
                    ids[j, (int(lens[j]) - 1 - s) if from_end else s] == ids[b, k]]
            if not (any(pos[j] for j in same) and any(neg[j] for j in same)):
                break
            out[b, k] = True
    return out


delta = MASK.clone()
nconf = torch.zeros(B, dtype=D)
for i in range(0, B, G):
    ids, msk, a = TOKENS[i:i + G], MASK[i:i + G], GT_ADV[i:i + G]
    pos, neg = a > 0, a < 0
    f = conflicts(ids, msk, pos, neg, False)
    bw = conflicts(ids, msk, pos, neg, True)
    on = torch.where(pos, torch.tensor(W_RAW, dtype=D), torch.tensor(0.0, dtype=D)).unsqueeze(1)
    d = torch.where(f, on, torch.ones_like(msk)) * torch.where(bw, on, torch.ones_like(msk)) * msk
    active = (pos | neg)
    for j in range(G):
        if active[j]:
            delta[i + j] = d[j]
            nconf[i + j] = max(1, int(((f[j] | bw[j]) & msk[j].bool()).sum()))
weights = delta / nconf.clamp(min=1).unsqueeze(1)
shaped = torch.where(ENT <= THR, GT_ADV - SCALE * ENT, torch.zeros_like(GT_ADV))
lp = LOGP.clone().requires_grad_(True)
ratio = torch.exp(lp - OLD)
per_seq = (-(ratio * shaped.unsqueeze(1) * weights) * MASK).sum(1) / MASK.sum(1).clamp(min=1)
loss = per_seq.sum()
loss.backward()
show("gtpo_weights", weights)
show("gtpo_shaped", shaped)
show("gtpo_loss", loss)
show("gtpo_grad", lp.grad)
