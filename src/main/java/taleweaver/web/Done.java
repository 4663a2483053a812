package taleweaver.web;

/** The reply of a route that says nothing but its status_code. */
public record Done() {}
