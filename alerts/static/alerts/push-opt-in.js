// "Notify me on this device": the only script on the school's public website.
// Nothing happens until the button is pressed; then the browser asks its owner.
(function () {
  "use strict";
  var form = document.querySelector("[data-push-form]");
  if (!form) return;
  var status = form.querySelector("[data-push-status]");
  var supported =
    "serviceWorker" in navigator && "PushManager" in window && "Notification" in window;

  function say(text) {
    status.textContent = text;
  }

  function keyBytes(base64url) {
    var padded = (base64url + "===".slice((base64url.length + 3) % 4))
      .replace(/-/g, "+")
      .replace(/_/g, "/");
    var raw = atob(padded);
    var bytes = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
    return bytes;
  }

  function post(url, body) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: {
        "Content-Type": "application/json",
        "X-CSRFToken": form.querySelector("[name=csrfmiddlewaretoken]").value,
      },
      body: JSON.stringify(body),
    }).then(function (response) {
      return response.json().then(function (answer) {
        if (!response.ok) throw new Error(answer.error || form.dataset.failed);
        return answer;
      });
    });
  }

  function registration() {
    return navigator.serviceWorker
      .register(form.dataset.serviceWorker)
      .then(function () {
        return navigator.serviceWorker.ready;
      });
  }

  form.hidden = false;
  if (!supported) {
    form.querySelector("[data-push-subscribe]").disabled = true;
    form.querySelector("[data-push-unsubscribe]").disabled = true;
    say(form.dataset.unsupported);
    return;
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var categories = ["urgent", "notices", "news"].filter(function (name) {
      var box = form.querySelector("[name=" + name + "]");
      return box && box.checked;
    });
    say(form.dataset.working);
    Notification.requestPermission()
      .then(function (permission) {
        if (permission !== "granted") throw new Error(form.dataset.refused);
        return registration();
      })
      .then(function (ready) {
        return ready.pushManager.getSubscription().then(function (existing) {
          return (
            existing ||
            ready.pushManager.subscribe({
              userVisibleOnly: true,
              applicationServerKey: keyBytes(form.dataset.publicKey),
            })
          );
        });
      })
      .then(function (subscription) {
        return post(form.action, {
          subscription: subscription.toJSON(),
          categories: categories,
        });
      })
      .then(function (answer) {
        say(answer.message);
      })
      .catch(function (error) {
        say(error && error.message ? error.message : form.dataset.failed);
      });
  });

  form.querySelector("[data-push-unsubscribe]").addEventListener("click", function () {
    registration()
      .then(function (ready) {
        return ready.pushManager.getSubscription();
      })
      .then(function (subscription) {
        if (!subscription) return { endpoint: "" };
        var endpoint = subscription.endpoint;
        return subscription.unsubscribe().then(function () {
          return { endpoint: endpoint };
        });
      })
      .then(function (body) {
        return post(form.dataset.unsubscribe, body);
      })
      .then(function (answer) {
        say(answer.message);
      })
      .catch(function (error) {
        say(error && error.message ? error.message : form.dataset.failed);
      });
  });
})();
