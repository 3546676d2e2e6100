package dev.descent.tasks;

/**
 * One problem: the prompt the policy sees, a reference completion (a correct demonstration), and its
 * verifier's data (operands, target, answer… as decimal text, named by each task).
 */
public record Problem(String prompt, String reference, java.util.Map<String, String> data) {}
