/** The query the demo prints and the explorer page preloads: one image's layers and config. */
export const EXAMPLE_QUERY = `query PythonImage {
  imageStreamImage(
    cluster: "east"
    namespace: "openshift"
    name: "python@sha256:a874dcabc74ca202b92b826521ff79dede61caca00ceab0b65024e895baceb58"
  ) {
    name
    image {
      dockerImageReference
      totalLayerSize
      layers { name size }
      signatures { type trusted issuedBy { commonName } }
      dockerImageMetadata { created config { cmd env { name value } } }
    }
    stream { tags { name history { digest created } } }
  }
}`;
