// Imported first by the TUI entry points (start.tsx, demo-main.tsx, bench-main.ts), which must stay
// free of JSX: JSX makes TypeScript put a react/jsx-runtime import above this one. React picks its
// build when it is first loaded, and its development build (owner stacks, console.createTask,
// performance tracks on every element) cost about a quarter of each keypress-to-frame in
// tui/bench-keypress. A development jsx-runtime next to the production reconciler is worse: effects
// never ran and Ink exited at once. Set NODE_ENV=development for React's warnings while working on the UI.
process.env['NODE_ENV'] ??= 'production';
export {};
