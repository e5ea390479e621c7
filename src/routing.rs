//! The plain axum routes (every route that is not a server function) are added through
//! [`Listed`], which keeps each route's method and path beside the router it builds. The
//! router serves what the list says, so a test can hold the list against the OpenAPI
//! document and find a route nobody documented (`tests/it/openapi.rs`). Each domain lists
//! its own routes with it; the server merges the lists.
use axum::extract::DefaultBodyLimit;
use axum::handler::Handler;
use axum::http::Method;
use axum::routing::{get, post, MethodRouter};
use axum::Router;

pub struct Listed<S> {
    router: Router<S>,
    routes: Vec<(Method, &'static str)>,
}

impl<S: Clone + Send + Sync + 'static> Default for Listed<S> {
    fn default() -> Self {
        Self { router: Router::new(), routes: Vec::new() }
    }
}

impl<S: Clone + Send + Sync + 'static> Listed<S> {
    pub fn new() -> Self {
        Self::default()
    }

    /// A GET route (axum answers HEAD on it too).
    pub fn get<H, T>(self, path: &'static str, handler: H) -> Self
    where
        H: Handler<T, S>,
        T: 'static,
    {
        self.add(Method::GET, path, get(handler))
    }

    /// A POST route with a form or JSON body under axum's default limit (2 MB).
    pub fn post<H, T>(self, path: &'static str, handler: H) -> Self
    where
        H: Handler<T, S>,
        T: 'static,
    {
        self.add(Method::POST, path, post(handler))
    }

    /// A POST route whose handler streams and counts the body itself: no body limit.
    pub fn post_streamed<H, T>(self, path: &'static str, handler: H) -> Self
    where
        H: Handler<T, S>,
        T: 'static,
    {
        self.add(Method::POST, path, post(handler).layer(DefaultBodyLimit::disable()))
    }

    fn add(mut self, method: Method, path: &'static str, route: MethodRouter<S>) -> Self {
        self.router = self.router.route(path, route);
        self.routes.push((method, path));
        self
    }

    pub fn merge(mut self, other: Listed<S>) -> Self {
        self.router = self.router.merge(other.router);
        self.routes.extend(other.routes);
        self
    }

    /// Method and path (axum's pattern, `{param}`) of every route, in the order added.
    pub fn routes(&self) -> &[(Method, &'static str)] {
        &self.routes
    }

    pub fn into_router(self) -> Router<S> {
        self.router
    }
}
