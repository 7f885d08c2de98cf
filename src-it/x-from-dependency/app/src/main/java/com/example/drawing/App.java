package com.example.drawing;

import java.util.List;

/** Uses the protocol jar's own classes and what drawing.x made of the definitions it included. */
public final class App {
  private App() {}

  public static void main(String[] args) {
    com.example.shapes.Shape fromJar = new com.example.shapes.Shape("square", 4);
    Drawing drawing = new Drawing("one", List.of(new Shape(fromJar.name(), fromJar.sides())));
    System.out.println(drawing + " " + DrawingConstants.MAX_NAME + " "
        + com.example.shapes.ShapesConstants.MAX_NAME);
  }
}
