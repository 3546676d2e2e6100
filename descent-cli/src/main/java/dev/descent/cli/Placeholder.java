package dev.descent.cli;
class Placeholder {}
