-- The run store of `bin/descent bench run` (SQLite). One row per run in `runs`; its per-step and
-- per-evaluation metrics in `steps` and `evals`. A run and all its rows are written in one
-- transaction when it ends, so a crash loses at most the runs in flight.
-- Version 1. Timing columns (wall_seconds, *_per_second, started_at, finished_at, env_json) are the
-- only ones that differ between two executions of the same run.

CREATE TABLE IF NOT EXISTS meta (
    key   TEXT PRIMARY KEY,          -- 'schema_version', 'created_at', 'descent_version'
    value TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS runs (
    run_id          TEXT PRIMARY KEY, -- hex SHA-256 of the canonical JSON of (problem, optimizer, hyper, seed, steps, eval_every)
    suite           TEXT,             -- suite or config name the run came from
    problem         TEXT NOT NULL,    -- BenchProblem.name()
    optimizer       TEXT NOT NULL,    -- registry name
    hyper_json      TEXT NOT NULL,    -- canonical JSON object of the hyperparameters given (sorted keys, string values)
    seed            INTEGER NOT NULL,
    steps           INTEGER NOT NULL, -- steps asked for
    eval_every      INTEGER NOT NULL,
    config_json     TEXT NOT NULL,    -- the full run spec as JSON
    env_json        TEXT NOT NULL,    -- jdk, os, arch, cores, kernel threads, git revision, descent version, host
    status          TEXT NOT NULL,    -- 'finished' | 'diverged' (non-finite loss; stopped) | 'failed' (exception; see error)
    error           TEXT,
    started_at      TEXT NOT NULL,    -- ISO-8601 UTC
    finished_at     TEXT NOT NULL,
    params          INTEGER NOT NULL, -- parameter count
    steps_done      INTEGER NOT NULL,
    final_loss      REAL,             -- training loss of the last step done
    metric_name     TEXT NOT NULL,    -- BenchProblem.metric()
    higher_is_better INTEGER NOT NULL, -- 1 when a larger metric is better
    final_metric    REAL,             -- metric of the last evaluation
    best_metric     REAL,             -- best metric over the evaluations
    loss_target     REAL,             -- BenchProblem.lossTarget() (NULL when none)
    steps_to_target INTEGER,          -- first step whose training loss <= loss_target (NULL if never)
    state_bytes_per_param REAL NOT NULL, -- optimizer state bytes / parameter count, measured from Optimizer.state()
    wall_seconds    REAL NOT NULL,    -- training time (setup and evaluations excluded)
    seconds_per_step REAL,
    throughput      REAL,             -- examples (or tokens) per second over the run
    throughput_unit TEXT NOT NULL     -- 'examples' | 'tokens'
);

CREATE TABLE IF NOT EXISTS steps (
    run_id       TEXT NOT NULL REFERENCES runs(run_id) ON DELETE CASCADE,
    step         INTEGER NOT NULL,    -- 1-based: the loss of the minibatch the step-th update used
    loss         REAL,                -- training loss (NULL when not finite)
    lr           REAL,                -- learning rate the step used
    wall_seconds REAL NOT NULL,       -- training time since the run started, at the end of this step
    throughput   REAL,                -- examples (or tokens) per second over this step
    PRIMARY KEY (run_id, step)
);

CREATE TABLE IF NOT EXISTS evals (
    run_id       TEXT NOT NULL REFERENCES runs(run_id) ON DELETE CASCADE,
    step         INTEGER NOT NULL,    -- 0 = before training
    name         TEXT NOT NULL,       -- metric name ('test_accuracy', 'test_loss', 'val_loss', …)
    value        REAL,
    wall_seconds REAL NOT NULL,       -- training time at this evaluation
    PRIMARY KEY (run_id, step, name)
);

CREATE INDEX IF NOT EXISTS runs_by_problem ON runs(problem, optimizer);
