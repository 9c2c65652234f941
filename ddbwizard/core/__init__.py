"""The UI-free engine: answers, limits, steps, template, AWS facade, deployer."""
