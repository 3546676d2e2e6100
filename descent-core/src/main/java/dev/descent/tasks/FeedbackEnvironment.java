package dev.descent.tasks;

import java.util.OptionalInt;

/**
 * The multi-turn variant of a task: the policy answers, and after a wrong answer the environment
 * says so briefly and lets it try again, up to {@code turns} answers per episode. Feedback is
 * "too high" or "too low" when the task's answers are numbers ({@link DirectionalTask}) and the
 * answer has a value, otherwise "wrong".
 *
 * <p>Transcript (what the policy conditions on): the prompt, then for each turn the action and the
 * stop character, and after a wrong answer with turns left the feedback followed by {@code ':'}:
 * <pre>
 *   12+34=074\ntoo high:045\ntoo low:046\n
 * </pre>
 * (two-digit addition with {@code reversed=false}: 74, then 45, then 46, each judged by the task's
 * verifier; {@code \n} is the stop character). An action is cut at its first stop character, as generation would have stopped there.
 *
 * <p>Rewards: each step's reward is the task's reward of that action; the episode is done when an
 * action earns the task's full reward (1) or the turn budget is spent. The episode's return is
 * therefore the reward of its last action; a trainer that wants to favour early success can discount
 * by {@link #turnsUsed()}. Holds the state of one episode at a time (not thread-safe; make one per
 * worker).
 */
public final class FeedbackEnvironment implements Environment {
    public static final String WRONG = "wrong";
    public static final String TOO_HIGH = "too high";
    public static final String TOO_LOW = "too low";

    private final Task task;
    private final int turns;
    private Problem problem;
    private final StringBuilder transcript = new StringBuilder();
    private int used;
    private boolean done = true;

    /** @param turns the most answers per episode (≥ 1) */
    public FeedbackEnvironment(Task task, int turns) {
        if (turns < 1) throw new IllegalArgumentException("turns must be >= 1, got " + turns);
        this.task = task;
        this.turns = turns;
    }

    /** The task's alphabet plus the characters of the feedback. */
    public String alphabet() {
        StringBuilder b = new StringBuilder(task.alphabet());
        for (char c : (WRONG + TOO_HIGH + TOO_LOW + ":").toCharArray()) if (b.indexOf(String.valueOf(c)) < 0) b.append(c);
        return b.toString();
    }

    public Task task() { return task; }

    public int turns() { return turns; }

    /** Answers given in this episode so far. */
    public int turnsUsed() { return used; }

    @Override
    public String reset(Problem problem) {
        this.problem = problem;
        transcript.setLength(0);
        transcript.append(problem.prompt());
        used = 0;
        done = false;
        return problem.prompt();
    }

    @Override
    public Step step(String action) {
        if (problem == null) throw new IllegalStateException("no episode: call reset(problem) first");
        if (done) throw new IllegalStateException("the episode is done (" + used + " of " + turns + " turns used); call reset(problem)");
        int cut = action.indexOf(task.stop());
        if (cut >= 0) action = action.substring(0, cut);
        used++;
        transcript.append(action).append(task.stop());
        double reward = task.reward(problem, action);
        if (reward >= 1.0 || used == turns) {
            done = true;
            return new Step("", reward, true);
        }
        String observation = feedback(task, problem, action) + ":";
        transcript.append(observation);
        return new Step(observation, reward, false);
    }

    /** The feedback to a wrong {@code action}: "too high", "too low" or "wrong". */
    public static String feedback(Task task, Problem problem, String action) {
        if (task instanceof DirectionalTask d) {
            OptionalInt c = d.compare(problem, action);
            if (c.isPresent() && c.getAsInt() > 0) return TOO_HIGH;
            if (c.isPresent() && c.getAsInt() < 0) return TOO_LOW;
        }
        return WRONG;
    }

    @Override
    public String transcript() { return transcript.toString(); }
}
