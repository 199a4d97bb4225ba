// Development only: the demo login box's "Fill in" buttons put a demo account into the login form.
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-demo-login]");
  if (!button) return;
  const login = document.querySelector("input[name='login']");
  const password = document.querySelector("input[name='password']");
  if (!login || !password) return;
  login.value = button.dataset.demoLogin;
  password.value = button.dataset.demoPassword;
  password.form.querySelector("[type='submit']")?.focus();
});
