package dev.descent.bench;
class Placeholder {}
