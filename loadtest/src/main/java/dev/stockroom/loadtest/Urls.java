package dev.stockroom.loadtest;

/** Base URLs of the system under test (and of the baseline server). */
public record Urls(String users, String inventory, String orders, String baseline) {}
